/**
 * Published figures the economics bench is built from, copied from LLMRouterBench (Li et al., 2026,
 * "LLMRouterBench: A Massive Benchmark and Unified Framework for LLM Routing", arXiv 2601.07206;
 * github.com/ynulihao/LLMRouterBench at 0e267fb, 2026-01-30). Nothing here is made up; every derived
 * figure is computed from these in `suite.ts`, and bench/economics.md says how.
 */

export const source = {
  paper: 'https://arxiv.org/abs/2601.07206',
  repo: 'https://github.com/ynulihao/LLMRouterBench',
  commit: '0e267fb1a3c469d33f1b738b50975680f14fae30',
  date: '2026-01-30',
};

export type ModelKey = 'deepseek-v3' | 'deepseek-r1' | 'gpt-5';

/** README.md, "Model Pools → Performance-Cost Setting (13 Models)": USD per 1M tokens (OpenRouter prices). */
export const prices: Record<ModelKey, { model: string; inputPer1M: number; outputPer1M: number }> = {
  'deepseek-v3': { model: 'deepseek-v3-0324', inputPer1M: 0.25, outputPer1M: 0.88 },
  'deepseek-r1': { model: 'deepseek-r1-0528', inputPer1M: 0.5, outputPer1M: 2.15 },
  'gpt-5': { model: 'gpt-5-medium', inputPer1M: 1.25, outputPer1M: 10 },
};

export type DatasetKey =
  | 'mmlu-pro'
  | 'aime'
  | 'gpqa'
  | 'tau2'
  | 'simpleqa'
  | 'hle'
  | 'livemathbench'
  | 'livecodebench'
  | 'swe-bench'
  | 'arena-hard';

/**
 * Per dataset: its size (README.md, "Datasets → Performance-Cost Setting (10 Datasets)", Samples),
 * each model's score in % (assets/Table9.png, Table 9 of the paper) and each model's total inference
 * cost over the whole dataset in USD (assets/Table10.png, Table 10).
 */
export const datasets: Record<
  DatasetKey,
  {
    name: string;
    samples: number;
    accuracyPct: Record<ModelKey, number>;
    totalCostUsd: Record<ModelKey, number>;
  }
> = {
  'mmlu-pro': {
    name: 'MMLU-Pro',
    samples: 3000,
    accuracyPct: { 'deepseek-v3': 78.0, 'deepseek-r1': 84.23, 'gpt-5': 87.37 },
    totalCostUsd: { 'deepseek-v3': 1.76, 'deepseek-r1': 24.62, 'gpt-5': 36.17 },
  },
  aime: {
    name: 'AIME',
    samples: 60,
    accuracyPct: { 'deepseek-v3': 43.33, 'deepseek-r1': 85.0, 'gpt-5': 88.33 },
    totalCostUsd: { 'deepseek-v3': 0.15, 'deepseek-r1': 2.09, 'gpt-5': 4.57 },
  },
  gpqa: {
    name: 'GPQA',
    samples: 198,
    accuracyPct: { 'deepseek-v3': 59.6, 'deepseek-r1': 79.8, 'gpt-5': 84.85 },
    totalCostUsd: { 'deepseek-v3': 0.18, 'deepseek-r1': 3.25, 'gpt-5': 7.94 },
  },
  tau2: {
    name: 'τ²-Bench',
    samples: 278,
    accuracyPct: { 'deepseek-v3': 7.19, 'deepseek-r1': 37.77, 'gpt-5': 70.14 },
    totalCostUsd: { 'deepseek-v3': 6.92, 'deepseek-r1': 37.08, 'gpt-5': 61.67 },
  },
  simpleqa: {
    name: 'SimpleQA',
    samples: 4326,
    accuracyPct: { 'deepseek-v3': 27.76, 'deepseek-r1': 27.12, 'gpt-5': 47.9 },
    totalCostUsd: { 'deepseek-v3': 0.48, 'deepseek-r1': 6.19, 'gpt-5': 57.25 },
  },
  hle: {
    name: 'HLE',
    samples: 2158,
    accuracyPct: { 'deepseek-v3': 3.61, 'deepseek-r1': 15.99, 'gpt-5': 26.32 },
    totalCostUsd: { 'deepseek-v3': 1.93, 'deepseek-r1': 72.03, 'gpt-5': 137.59 },
  },
  livemathbench: {
    name: 'LiveMathBench',
    samples: 121,
    accuracyPct: { 'deepseek-v3': 61.98, 'deepseek-r1': 77.69, 'gpt-5': 79.34 },
    totalCostUsd: { 'deepseek-v3': 0.17, 'deepseek-r1': 2.7, 'gpt-5': 4.09 },
  },
  livecodebench: {
    name: 'LiveCodeBench',
    samples: 1055,
    accuracyPct: { 'deepseek-v3': 66.64, 'deepseek-r1': 80.09, 'gpt-5': 86.45 },
    totalCostUsd: { 'deepseek-v3': 1.53, 'deepseek-r1': 30.46, 'gpt-5': 54.92 },
  },
  'swe-bench': {
    name: 'SWE-Bench',
    samples: 500,
    accuracyPct: { 'deepseek-v3': 25.0, 'deepseek-r1': 28.6, 'gpt-5': 15.8 },
    totalCostUsd: { 'deepseek-v3': 2.31, 'deepseek-r1': 10.03, 'gpt-5': 24.27 },
  },
  'arena-hard': {
    name: 'ArenaHard',
    samples: 750,
    accuracyPct: { 'deepseek-v3': 60.13, 'deepseek-r1': 63.53, 'gpt-5': 69.73 },
    totalCostUsd: { 'deepseek-v3': 0.8, 'deepseek-r1': 8.52, 'gpt-5': 27.85 },
  },
};
