// Preloaded into every test process: after the file's last test, any handle
// still keeping the event loop alive (socket, server, timer, child process)
// fails the run instead of hanging it.
import { after } from 'node:test';

// An fs request in flight (callback or promise) finishes on its own: not a leak. tsx's
// transform cache writes can still be in flight under load (seen on Node 26 as FSReqPromise).
const IGNORED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FSReqPromise', 'FSEventWrap', 'SignalWrap']);

after(async () => {
  // Give close callbacks one turn of the loop to run.
  await new Promise((resolve) => setImmediate(resolve));
  // A handle that is still closing (an Immediate queued by a close under load) is gone within a
  // few turns; a leak stays. So look several times over a second before failing.
  let open: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = process.getActiveResourcesInfo().filter((kind) => !IGNORED.has(kind));
    if (open.length === 0) break;
  }
  if (open.length > 0) {
    // Exit even though the leaked handles keep the loop alive.
    setTimeout(() => process.exit(1), 1000).unref();
    throw new Error(`Test file left handles open: ${open.join(', ')}`);
  }
});
