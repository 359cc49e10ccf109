import { useEffect, useRef, useState, type ReactNode } from 'react';
import { rememberDroppedHandles } from '../project/video-store';
import { useSession } from '../use-session';
import { FilePickerButton } from './file-picker-button';

export const ACCEPTED_VIDEO_TYPES = 'video/mp4,video/quicktime,video/webm,.mp4,.mov,.m4v,.webm';

/** "Open video…": a button over a hidden file input. */
export function OpenVideoButton({ className = '' }: { className?: string }) {
  const session = useSession();
  return (
    <FilePickerButton className={className} accept={ACCEPTED_VIDEO_TYPES} testId="file-input" ariaLabel="Choose a video file" onFiles={(files) => session.openFiles(files)}>
      Open video…
    </FilePickerButton>
  );
}

/** The whole window accepts a dropped video; an overlay shows while something is dragged over it. */
export function DropZone({ children }: { children: ReactNode }) {
  const session = useSession();
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current += 1;
      setDragging(true);
    };
    const onLeave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      // Without preventDefault the browser navigates away to the dropped file, losing the project.
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      // Only inside the event can a dropped file's handle be asked for; the project saver keeps it instead of a copy.
      rememberDroppedHandles(event.dataTransfer?.items);
      session.openFiles(Array.from(event.dataTransfer?.files ?? []));
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [session]);
  return (
    <div className="drop-zone" data-testid="drop-zone" data-dragging={dragging}>
      {children}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the video to open it
        </div>
      )}
    </div>
  );
}

/** Shown before any video is open. */
export function EmptyStage() {
  return (
    <div className="empty-stage" data-testid="empty-stage">
      <p className="empty-title">Drop a silent video here</p>
      <p className="empty-hint">MP4, MOV, M4V or WebM. Everything runs on this device; nothing is uploaded.</p>
      <OpenVideoButton className="primary" />
    </div>
  );
}
