import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to an SVG string, headless (no browser, no canvas). */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

export interface CurvePoint {
  strategy: string;
  run: number;
  costUsd: number;
}

const legend = { orient: 'bottom', columns: 2, labelLimit: 400 } as const;

const curvePanel = (points: CurvePoint[], title: string, y: string) => ({
  title,
  width: 640,
  height: 240,
  data: { values: points },
  mark: { type: 'line', strokeWidth: 1.5 },
  encoding: {
    x: { field: 'run', type: 'quantitative', title: 'run number' },
    y: { field: 'costUsd', type: 'quantitative', title: y, scale: { zero: true } },
    color: { field: 'strategy', type: 'nominal', title: 'strategy', legend },
  },
});

/**
 * Cost per run against run number, one line per strategy: a sliding mean (what a run costs around
 * then) above the running mean since run 1 (where the policy's cold start shows).
 */
export const learningCurveSpec = (
  rolling: CurvePoint[],
  cumulative: CurvePoint[],
  width: number,
): TopLevelSpec =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost per run vs run number (mixed workload)',
      subtitle: 'every strategy sees the same questions in the same order',
    },
    vconcat: [
      curvePanel(rolling, `mean over the last ${width} runs`, 'USD per run'),
      curvePanel(cumulative, 'mean since run 1', 'USD per run'),
    ],
  }) as TopLevelSpec;

export interface QualityPoint {
  strategy: string;
  workload: string;
  costUsd: number;
  correctPct: number;
}

/** Mean cost against share of correct answers: one panel per workload, one point per strategy. */
export const costQualitySpec = (points: QualityPoint[]): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: 'Cost vs correct answers, per workload',
    subtitle: [
      'mixed: USD per run of the suite; profiles: USD per node run. Up and left is better.',
      'Strategies with the same figures share a point (e.g. cascade, hindsight and learned on small-strong).',
    ],
  },
  data: { values: points },
  facet: { field: 'workload', type: 'nominal', title: null, sort: ['mixed'] },
  columns: 3,
  resolve: { scale: { x: 'independent', y: 'independent' } },
  spec: {
    width: 220,
    height: 170,
    mark: { type: 'point', filled: true, size: 80 },
    encoding: {
      x: { field: 'costUsd', type: 'quantitative', title: 'mean USD', scale: { zero: true } },
      y: { field: 'correctPct', type: 'quantitative', title: 'correct %', scale: { zero: false } },
      color: {
        field: 'strategy',
        type: 'nominal',
        title: 'strategy',
        legend: { orient: 'bottom', columns: 2 },
      },
      shape: { field: 'strategy', type: 'nominal', legend },
    },
  },
});
