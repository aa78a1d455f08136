import fs from 'node:fs';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { FootnoteError, describeError } from '../errors.js';
import { profileFor, type ModelProfile } from './models.js';

export interface LoadedModel {
  readonly profile: ModelProfile;
  readonly dimension: number;
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
}

const WEIGHTS = 'onnx/model_quantized.onnx';

/**
 * Loads the tokenizer and int8 ONNX weights of `modelId`: from `modelDir` (transformers.js
 * layout, `<modelDir>/<org>/<name>/…`) when it is set, never touching the network; otherwise
 * from the Hugging Face hub through the library's normal download cache.
 */
export async function loadModel(modelId: string, modelDir: string | undefined): Promise<LoadedModel> {
  if (modelDir !== undefined) {
    const folder = path.join(modelDir, modelId);
    const missing = [WEIGHTS, 'tokenizer.json', 'config.json'].filter((f) => !fs.existsSync(path.join(folder, f)));
    if (missing.length) {
      throw new FootnoteError(
        'MODEL_NOT_FOUND',
        `Model ${modelId} was not found in ${folder} (missing ${missing.join(', ')}). ` +
          `Put the model there in transformers.js layout, point MODEL_DIR at the folder that holds it, or unset MODEL_DIR to download it from the Hugging Face hub.`,
      );
    }
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = modelDir.endsWith(path.sep) ? modelDir : modelDir + path.sep;
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
  }

  try {
    const tokenizer = await AutoTokenizer.from_pretrained(modelId);
    const model = await AutoModel.from_pretrained(modelId, { dtype: 'q8' });
    const hidden = (model.config as unknown as { hidden_size?: number }).hidden_size;
    if (typeof hidden !== 'number') throw new Error('config.json has no hidden_size');
    return { profile: profileFor(modelId), dimension: hidden, tokenizer, model };
  } catch (error) {
    const where = modelDir !== undefined ? `from ${path.join(modelDir, modelId)}` : 'from the Hugging Face hub';
    const hint = modelDir !== undefined ? '' : ' Without internet access, set MODEL_DIR to a folder holding the model.';
    throw new FootnoteError('MODEL_LOAD_FAILED', `Could not load model ${modelId} ${where}: ${describeError(error)}.${hint}`, { cause: error });
  }
}
