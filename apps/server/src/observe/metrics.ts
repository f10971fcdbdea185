import type { Signal } from '@laneflow/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read on each scrape rather than count as signals go by. */
export interface MetricSources {
  /** Runs executing in this process. */
  activeRuns: () => number;
  /** Approvals waiting for a decision (from the store, so it survives restarts). */
  approvalsWaiting: () => Promise<number>;
  /** Runs queued for a worker (clustered only). */
  queueDepth?: () => Promise<number>;
  /** When an approval was asked, for one decided after a restart. */
  approvalAskedAt?: (approvalId: string) => Promise<string | undefined>;
}

const terminalLane: Partial<Record<Signal['type'], string>> = {
  'node.succeeded': 'succeeded',
  'node.failed': 'failed',
  'node.escalated': 'escalated',
  'node.skipped': 'skipped',
  'node.cancelled': 'cancelled',
};

/** Pending approvals' ask times kept in memory; older ones are read from the store. */
const MAX_ASKED = 10_000;

/**
 * The server's Prometheus metrics (prom-client), in a registry of its own so several servers can live
 * in one process. Run, node, gate, approval and model-call counters move with committed signals
 * ({@link onCommitted}); gauges that the store or the process knows better are read on each scrape.
 */
export const createMetrics = (src: MetricSources) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = { registers: [registry] };

  const runsStarted = new Counter({ ...r, name: 'laneflow_runs_started_total', help: 'Runs started' });
  const runsFinished = new Counter({
    ...r,
    name: 'laneflow_runs_finished_total',
    help: 'Runs ended, by status',
    labelNames: ['status'],
  });
  new Gauge({
    ...r,
    name: 'laneflow_runs_active',
    help: 'Runs executing in this process',
    collect() {
      this.set(src.activeRuns());
    },
  });
  const nodeTerminal = new Counter({
    ...r,
    name: 'laneflow_node_terminal_total',
    help: 'Node attempts that reached a terminal lane, by lane',
    labelNames: ['lane'],
  });
  const escalations = new Counter({
    ...r,
    name: 'laneflow_escalations_total',
    help: 'Routed escalations, by trigger and route',
    labelNames: ['trigger', 'route'],
  });
  const gateRounds = new Counter({
    ...r,
    name: 'laneflow_gate_rounds_total',
    help: 'Confidence gate ratings, by whether the round passed',
    labelNames: ['passed'],
  });
  const gateOutcomes = new Counter({
    ...r,
    name: 'laneflow_gate_outcomes_total',
    help: 'Confidence gates closed, by outcome (passed or escalated); pass rate = passed / all',
    labelNames: ['outcome'],
  });
  new Gauge({
    ...r,
    name: 'laneflow_approvals_waiting',
    help: 'Approvals waiting for a decision',
    async collect() {
      this.set(await src.approvalsWaiting());
    },
  });
  const approvalWait = new Histogram({
    ...r,
    name: 'laneflow_approval_wait_seconds',
    help: 'Time from an approval being asked to its decision',
    labelNames: ['decision'],
    buckets: [1, 10, 60, 300, 1800, 3600, 4 * 3600, 24 * 3600],
  });
  const modelCalls = new Counter({
    ...r,
    name: 'laneflow_model_calls_total',
    help: 'Model calls, by tier index and model',
    labelNames: ['tier', 'model'],
  });
  const tokens = new Counter({
    ...r,
    name: 'laneflow_model_tokens_total',
    help: 'Model tokens, by tier index and direction (input or output)',
    labelNames: ['tier', 'direction'],
  });
  const cost = new Counter({
    ...r,
    name: 'laneflow_model_cost_usd_total',
    help: 'Model cost in US dollars, by tier index',
    labelNames: ['tier'],
  });
  const sseClients = new Gauge({
    ...r,
    name: 'laneflow_sse_clients',
    help: 'Open event streams (GET /api/runs/:id/events)',
  });
  const commitSize = new Histogram({
    ...r,
    name: 'laneflow_commit_batch_signals',
    help: 'Signals per committed batch',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
  });
  const commitSeconds = new Histogram({
    ...r,
    name: 'laneflow_commit_seconds',
    help: 'Time to commit one batch of signals',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const { queueDepth } = src;
  if (queueDepth)
    new Gauge({
      ...r,
      name: 'laneflow_queue_depth',
      help: 'Runs queued for a worker (pg-boss)',
      async collect() {
        this.set(await queueDepth());
      },
    });

  const asked = new Map<string, number>();
  const observeWait = (approvalId: string, decision: string, decidedAt: number) => {
    const at = asked.get(approvalId);
    asked.delete(approvalId);
    if (at !== undefined) approvalWait.observe({ decision }, (decidedAt - at) / 1000);
    else
      void src
        .approvalAskedAt?.(approvalId)
        .then((iso) => {
          if (iso) approvalWait.observe({ decision }, (decidedAt - Date.parse(iso)) / 1000);
        })
        .catch(() => {});
  };

  return {
    registry,
    sseClients,
    /** Times one commit of `size` signals. */
    commit(size: number, seconds: number) {
      commitSize.observe(size);
      commitSeconds.observe(seconds);
    },
    /**
     * Counts a committed batch; never throws. prom-client hashes the labels of every `inc`, and a
     * batch's model calls nearly always share a tier and model and its nodes a lane, so each run of
     * equal labels is summed and counted once.
     */
    onCommitted(_runId: string, batch: readonly Signal[]) {
      let lane = '';
      let lanes = 0;
      let calls = 0;
      let callTier = 0;
      let callModel = '';
      let input = 0;
      let output = 0;
      let usd = 0;
      const countLanes = () => {
        if (lanes > 0) nodeTerminal.inc({ lane }, lanes);
        lanes = 0;
      };
      const countCalls = () => {
        if (calls === 0) return;
        const tier = String(callTier);
        modelCalls.inc({ tier, model: callModel }, calls);
        tokens.inc({ tier, direction: 'input' }, input);
        tokens.inc({ tier, direction: 'output' }, output);
        cost.inc({ tier }, usd);
        calls = input = output = usd = 0;
      };
      for (const s of batch) {
        const { type } = s;
        const terminal = terminalLane[type];
        if (terminal) {
          if (terminal !== lane) countLanes();
          lane = terminal;
          lanes++;
        }
        switch (type) {
          case 'run.started':
            runsStarted.inc();
            break;
          case 'run.succeeded':
          case 'run.failed':
          case 'run.cancelled':
            runsFinished.inc({ status: type.slice(4) });
            break;
          case 'node.escalated':
            escalations.inc({ trigger: s.request.trigger, route: s.route });
            break;
          case 'confidence.rated':
            gateRounds.inc({ passed: String(s.passed) });
            break;
          case 'confidence.passed':
          case 'confidence.escalated':
            gateOutcomes.inc({ outcome: type.slice(11) });
            break;
          case 'node.awaiting_approval':
            asked.set(s.approvalId, Date.parse(s.at));
            if (asked.size > MAX_ASKED) asked.delete(asked.keys().next().value as string);
            break;
          case 'approval.decided':
            observeWait(s.approvalId, s.decision, Date.parse(s.at));
            break;
          case 'usage':
            if (s.tier !== callTier || s.model !== callModel) countCalls();
            callTier = s.tier;
            callModel = s.model;
            calls++;
            input += s.inputTokens;
            output += s.outputTokens;
            usd += s.costUsd;
            break;
        }
      }
      countLanes();
      countCalls();
    },
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
