import { useRef, type PointerEvent } from 'react';
import { measuredCurveLufs } from '../measured-curve';
import { paintCurveStroke } from '../store/curve-actions';
import { CURVE_CEILING_LUFS, CURVE_FLOOR_LUFS } from '../store/curve';
import { useAppState, useSession } from '../use-session';

const LANE_HEIGHT_PX = 84;
/** Points are drawn (and can be grabbed) once they are at least this far apart. */
const MIN_POINT_SPACING_PX = 8;
/** How close to a point's centre a press must land to drag that point alone instead of drawing freehand. */
const GRAB_RADIUS_PX = 5;
const GRID_LUFS = [-10, -20, -30, -40, -50, -60];
const CHANNEL_NAMES = ['L', 'R'];

function yOf(lufs: number): number {
  return ((CURVE_CEILING_LUFS - lufs) / (CURVE_CEILING_LUFS - CURVE_FLOOR_LUFS)) * LANE_HEIGHT_PX;
}

function lufsOf(yPx: number): number {
  return CURVE_CEILING_LUFS - (yPx / LANE_HEIGHT_PX) * (CURVE_CEILING_LUFS - CURVE_FLOOR_LUFS);
}

function polyline(values: ArrayLike<number>, xOf: (index: number) => number): string {
  return Array.from({ length: values.length }, (_, i) => `${xOf(i).toFixed(1)},${yOf(Math.max(CURVE_FLOOR_LUFS, values[i])).toFixed(1)}`).join(' ');
}

function formatValues(values: ArrayLike<number> | undefined): string | undefined {
  return values ? Array.from(values, (v) => (Number.isFinite(v) ? v.toFixed(1) : '-inf')).join(',') : undefined;
}

interface CurveGraphProps {
  widthPx: number;
  target: readonly number[] | undefined;
  measured: Float32Array | undefined;
  xOf: (index: number) => number;
  showPoints: boolean;
}

/** The lane's drawing: LUFS grid, the target curve with its points, the measured curve over it. */
function CurveGraph({ widthPx, target, measured, xOf, showPoints }: CurveGraphProps) {
  return (
    <>
      {GRID_LUFS.map((lufs) => (
        <g key={lufs} className="grid">
          <line x1={0} x2={widthPx} y1={yOf(lufs)} y2={yOf(lufs)} />
          <text x={widthPx - 4} y={yOf(lufs) - 2} textAnchor="end">
            {lufs}
          </text>
        </g>
      ))}
      {target && <polyline className="target" points={polyline(target, xOf)} />}
      {measured && <polyline className="measured" points={polyline(measured, xOf)} />}
      {target && showPoints && target.map((lufs, i) => <circle key={i} className="target-point" cx={xOf(i)} cy={yOf(lufs)} r={2.5} />)}
    </>
  );
}

/** One lane per channel: the target curve (drawn freehand) with the generated track's measured curve over it. */
export function LoudnessLanes({ widthPx }: { widthPx: number }) {
  const pack = useAppState((state) => state.engine.pack);
  if (!pack) return null;
  return (
    <>
      {Array.from({ length: pack.channels }, (_, channel) => (
        <LoudnessLane key={channel} channel={channel} channelCount={pack.channels} curveRate={pack.curveRate} widthPx={widthPx} />
      ))}
    </>
  );
}

function LoudnessLane({ channel, channelCount, curveRate, widthPx }: { channel: number; channelCount: number; curveRate: number; widthPx: number }) {
  const session = useSession();
  const curve = useAppState((state) => state.doc.curve);
  const result = useAppState((state) => state.result);
  const pxPerSec = useAppState((state) => state.view.pxPerSec);
  const last = useRef<{ index: number; lufs: number } | null>(null);
  /** Index of the point being dragged vertically, or null while drawing freehand. */
  const grabbed = useRef<number | null>(null);
  const showPoints = pxPerSec / curveRate >= MIN_POINT_SPACING_PX;
  const xOf = (index: number) => ((index + 0.5) / curveRate) * pxPerSec;
  const target = curve?.lufs[channel];
  const measured = result ? measuredCurveLufs(result, curveRate)[channel] : undefined;

  const sample = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const index = Math.floor(((event.clientX - box.left) / pxPerSec) * curveRate);
    return { index, lufs: lufsOf(event.clientY - box.top) };
  };
  const grab = (event: PointerEvent<SVGSVGElement>): number | null => {
    const box = event.currentTarget.getBoundingClientRect();
    const { index } = sample(event);
    const lufs = target?.[index];
    if (!showPoints || lufs === undefined) return null;
    const near = Math.abs(event.clientX - box.left - xOf(index)) <= GRAB_RADIUS_PX && Math.abs(event.clientY - box.top - yOf(lufs)) <= GRAB_RADIUS_PX;
    return near ? index : null;
  };
  const paint = (event: PointerEvent<SVGSVGElement>, phase: 'start' | 'move') => {
    const sampled = sample(event);
    const point = grabbed.current === null ? sampled : { index: grabbed.current, lufs: sampled.lufs };
    const from = phase === 'start' || !last.current || grabbed.current !== null ? point : last.current;
    session.manager.dispatch(paintCurveStroke, { phase, channel, fromIndex: from.index, fromLufs: from.lufs, toIndex: point.index, toLufs: point.lufs });
    last.current = point;
  };
  const name = channelCount === 2 ? CHANNEL_NAMES[channel] : 'Mono';
  return (
    <div
      className="lane lane-loudness"
      data-testid={`loudness-lane-${channel}`}
      data-target-lufs={formatValues(target)}
      data-measured-lufs={formatValues(measured)}
      aria-label={`${name} loudness: target curve and measured curve`}
    >
      <span className="lane-label">
        {name} loudness · LUFS{!curve && ' · add a target curve to draw here'}
      </span>
      <svg
        width={widthPx}
        height={LANE_HEIGHT_PX}
        className={curve ? 'curve-canvas editable' : 'curve-canvas'}
        data-testid={`curve-editor-${channel}`}
        onPointerDown={(event) => {
          if (!curve) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          grabbed.current = grab(event);
          paint(event, 'start');
        }}
        onPointerMove={(event) => {
          if (curve && last.current && event.buttons & 1) paint(event, 'move');
        }}
        onPointerUp={() => {
          last.current = null;
          grabbed.current = null;
        }}
      >
        <CurveGraph widthPx={widthPx} target={target} measured={measured} xOf={xOf} showPoints={showPoints} />
      </svg>
    </div>
  );
}
