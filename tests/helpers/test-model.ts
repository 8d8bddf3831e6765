// The random-weight twins of bge-small-zh-v1.5 (scripts/make-test-model.ts), generated into
// models/test/ on first use and reused after. Nothing is downloaded.

import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_OUT,
  DEFAULT_TINY_OUT,
  TWIN_FORMAT_VERSION,
  makeTestModel,
  readTwinMarker,
} from '../../scripts/make-test-model.ts';

/** Folder of a twin ready for MODEL_DIR; `tiny` (default): 1 layer, still 512-d, ~14 MB, made in < 1 s. */
export async function ensureTestModel({ tiny = true }: { tiny?: boolean } = {}): Promise<string> {
  const dir = tiny ? DEFAULT_TINY_OUT : DEFAULT_OUT;
  const marker = await readTwinMarker(dir);
  const current = marker?.version === TWIN_FORMAT_VERSION && existsSync(path.join(dir, 'onnx/model_quantized.onnx'));
  if (!current) await makeTestModel({ tiny, out: dir });
  return dir;
}
