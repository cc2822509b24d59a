import { takeMismatches } from './response-schemas';

// An answer of the API that does not match what it declares fails the test that asked for it.
afterEach(() => {
  const found = takeMismatches();
  if (found.length) throw new Error(`answers that do not match the API's declared schemas:\n  ${found.join('\n  ')}`);
});
