import { useEffect, useRef } from 'react';
import type { VideoInfo } from '../../engine/protocol';

type Thumbnail = VideoInfo['thumbnails'][number];

function ThumbnailCanvas({ image }: { image: ImageBitmap }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element || image.width === 0) return;
    element.width = image.width;
    element.height = image.height;
    element.getContext('2d')?.drawImage(image, 0, 0);
  }, [image]);
  return <canvas ref={canvas} className="thumbnail" />;
}

/** The engine's evenly spaced thumbnails, each stretched over the time span until the next one. */
export function ThumbnailStrip({ thumbnails, durationSec, pxPerSec }: { thumbnails: Thumbnail[]; durationSec: number; pxPerSec: number }) {
  return (
    <div className="thumbnail-strip" data-testid="thumbnails" data-count={thumbnails.length}>
      {thumbnails.map((thumbnail, index) => {
        const endSec = thumbnails[index + 1]?.timeSec ?? durationSec;
        return (
          <div
            key={thumbnail.timeSec}
            className="thumbnail-slot"
            style={{ left: `${thumbnail.timeSec * pxPerSec}px`, width: `${Math.max(1, (endSec - thumbnail.timeSec) * pxPerSec)}px` }}
          >
            <ThumbnailCanvas image={thumbnail.image} />
          </div>
        );
      })}
    </div>
  );
}
