import { validateDag } from '@laneflow/core';

// Validates large documents off the main thread; answers with the issues only (the parsed DAG would
// cost a second structured clone and is only needed when saving or running).
self.onmessage = (e: MessageEvent<string>) => {
  const r = validateDag(JSON.parse(e.data));
  self.postMessage(r.ok ? [] : r.issues);
};
