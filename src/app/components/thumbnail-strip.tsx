import { useEffect, useRef } from 'react';
import type { VideoInfo } from '../../engine/host/protocol';

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

/** The engine's evenly spaced thumbnails, each filling an equal share of the timeline. */
export function ThumbnailStrip({ thumbnails, durationSec, pxPerSec }: { thumbnails: Thumbnail[]; durationSec: number; pxPerSec: number }) {
  const slotPx = thumbnails.length > 0 ? (durationSec * pxPerSec) / thumbnails.length : 0;
  return (
    <div className="thumbnail-strip" data-testid="thumbnails" data-count={thumbnails.length}>
      {thumbnails.map((thumbnail, index) => (
        <div key={thumbnail.timeSec} className="thumbnail-slot" style={{ left: `${index * slotPx}px`, width: `${Math.max(1, slotPx)}px` }} title={`${thumbnail.timeSec.toFixed(2)} s`}>
          <ThumbnailCanvas image={thumbnail.image} />
        </div>
      ))}
    </div>
  );
}
