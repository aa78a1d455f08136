import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/embed/model.js';
import { FootnoteError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { openFootnote } from '../../src/service.js';
import { hasStackTrace, ownStderr, runCli } from '../helpers/cli.js';
import { DEFAULT_MODEL, createWorkspace, makeTempDir, removeTempDirs } from '../helpers/workspace.js';

afterAll(removeTempDirs);

describe('a missing model', () => {
  it('GIVEN MODEL_DIR is an empty folder THEN openFootnote fails with MODEL_NOT_FOUND naming the folder', async () => {
    const ws = createWorkspace({ seed: true });
    const emptyModels = makeTempDir('footnote-no-models');
    const error = await openFootnote({ config: ws.config({ MODEL_DIR: emptyModels }), log: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FootnoteError);
    expect(error).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    const message = (error as Error).message;
    expect(message).toContain(path.join(emptyModels, DEFAULT_MODEL));
    expect(message).toContain('MODEL_DIR');
    // Nothing was built or written.
    expect(fs.existsSync(ws.indexDir)).toBe(false);
  });

  it('GIVEN a model folder without the weights THEN the message lists the missing file', async () => {
    const models = makeTempDir('footnote-partial-model');
    fs.mkdirSync(path.join(models, DEFAULT_MODEL), { recursive: true });
    fs.writeFileSync(path.join(models, DEFAULT_MODEL, 'config.json'), '{}');
    fs.writeFileSync(path.join(models, DEFAULT_MODEL, 'tokenizer.json'), '{}');
    await expect(loadModel(DEFAULT_MODEL, models)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('onnx/model_quantized.onnx') });
  });

  it('GIVEN MODEL_DIR is an empty folder THEN the CLI prints that message, no stack trace, and exits 1', async () => {
    const ws = createWorkspace({ seed: true });
    const emptyModels = makeTempDir('footnote-no-models');
    const result = await runCli(['ask', 'What did Lightfoot tell ICE?'], { env: { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR: emptyModels } });
    const stderr = ownStderr(result.stderr);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(stderr).toContain(`Model ${DEFAULT_MODEL} was not found in ${path.join(emptyModels, DEFAULT_MODEL)}`);
    expect(stderr).not.toContain('Unexpected error');
    expect(hasStackTrace(stderr)).toBe(false);
  });
});
