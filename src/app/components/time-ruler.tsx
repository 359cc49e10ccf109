/** Second ticks with labels spaced so they never collide, whatever the zoom. */

const LABEL_MIN_PX = 60;
const STEPS_SEC = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300];

export function TimeRuler({ durationSec, pxPerSec }: { durationSec: number; pxPerSec: number }) {
  const stepSec = STEPS_SEC.find((step) => step * pxPerSec >= LABEL_MIN_PX) ?? STEPS_SEC[STEPS_SEC.length - 1];
  const ticks: number[] = [];
  for (let timeSec = 0; timeSec <= durationSec + 1e-9; timeSec += stepSec) ticks.push(timeSec);
  return (
    <>
      {ticks.map((timeSec) => (
        <span key={timeSec} className="tick" style={{ left: `${timeSec * pxPerSec}px` }}>
          {stepSec < 1 ? timeSec.toFixed(2) : timeSec.toFixed(0)} s
        </span>
      ))}
    </>
  );
}
