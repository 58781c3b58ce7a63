// Compiles WAT text to a binary module off the page's thread: the text parser cannot be
// interrupted, but a worker can be terminated, so Pause cancels a long compile. The page
// then loads the binary it gets back, which takes a fraction of the time.
import init, { watToWasm } from './pkg/wasmscope.js';

const ready = init();

self.onmessage = async (e) => {
  try {
    await ready;
    const bytes = watToWasm(e.data);
    self.postMessage({ bytes }, [bytes.buffer]);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
