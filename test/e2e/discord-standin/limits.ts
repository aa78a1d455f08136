/**
 * Discord's validation rules, in one place.
 *
 * Every check returns a list of `FormError`s: where in the body the problem is, Discord's error code string and
 * its human message. The HTTP layer turns a non-empty list into the 400 "Invalid Form Body" (code 50035) answer
 * with Discord's nested `errors` object, e.g. `{ embeds: { 0: { title: { _errors: [...] } } } }`, which discord.js
 * flattens into `DiscordAPIError[50035]: Invalid Form Body\nembeds[0].title[BASE_TYPE_MAX_LENGTH]: ...`.
 */
import { isDict, type Dict } from './util.js';

/** The numbers, as documented by Discord (developers/docs: message, embed, component, command limits). */
export const LIMITS = {
  message: {
    content: 2000,
    embeds: 10,
    /** Legacy (non-"components v2") messages: top-level action rows. */
    actionRows: 5,
    /** "Components v2" messages (flag IS_COMPONENTS_V2): all components, nested ones included. */
    totalComponentsV2: 40,
    allowedMentionIds: 100,
  },
  embed: {
    title: 256,
    description: 4096,
    fields: 25,
    fieldName: 256,
    fieldValue: 1024,
    footerText: 2048,
    authorName: 256,
    /** Sum of title, description, field names and values, footer text and author name over ALL embeds. */
    totalCharacters: 6000,
  },
  component: {
    buttonsPerRow: 5,
    buttonLabel: 80,
    customId: 100,
    selectPlaceholder: 150,
    selectOptions: 25,
    selectOptionLabel: 100,
    selectOptionValue: 100,
    selectOptionDescription: 100,
    selectMaxValues: 25,
  },
  autocomplete: { choices: 25, choiceName: 100, choiceStringValue: 100 },
  modal: { title: 45, customId: 100, components: 5 },
  command: {
    name: 32,
    description: 100,
    options: 25,
    choices: 25,
    choiceName: 100,
    choiceStringValue: 100,
    chatInputPerScope: 100,
    userPerScope: 15,
    messagePerScope: 15,
  },
  thread: { name: 100 },
  interaction: {
    /** An interaction must get its first callback within this window or it is "Unknown interaction" (10062). */
    ackWindowMs: 3000,
    /** Follow-ups and edits through the interaction webhook work for 15 minutes. */
    tokenTtlMs: 15 * 60 * 1000,
  },
} as const;

export interface FormError {
  /** Where in the JSON body, e.g. `['embeds', 0, 'fields', 3, 'value']`. */
  path: Array<string | number>;
  /** Discord's error code string, e.g. `BASE_TYPE_MAX_LENGTH`. */
  code: string;
  message: string;
}

/** Discord's `errors` object: the path nested as keys, `_errors` at the leaf. */
export function nestFormErrors(errors: FormError[]): Dict {
  const root: Dict = {};
  for (const error of errors) {
    let node = root;
    for (const key of error.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Dict;
    }
    (node._errors ??= []).push({ code: error.code, message: error.message });
  }
  return root;
}

const tooLong = (path: FormError['path'], max: number): FormError => ({
  path,
  code: 'BASE_TYPE_MAX_LENGTH',
  message: `Must be ${max} or fewer in length.`,
});
const required = (path: FormError['path']): FormError => ({
  path,
  code: 'BASE_TYPE_REQUIRED',
  message: 'This field is required',
});
const badLength = (path: FormError['path'], min: number, max: number): FormError => ({
  path,
  code: 'BASE_TYPE_BAD_LENGTH',
  message: `Must be between ${min} and ${max} in length.`,
});

function checkString(
  errors: FormError[],
  value: unknown,
  path: FormError['path'],
  max: number,
  opts: { required?: boolean; min?: number } = {},
): void {
  if (value === undefined || value === null) {
    if (opts.required) errors.push(required(path));
    return;
  }
  if (typeof value !== 'string') {
    errors.push({ path, code: 'BASE_TYPE_STRING', message: 'Could not interpret value as string.' });
    return;
  }
  const min = opts.min ?? 0;
  if (value.length > max || value.length < min) {
    errors.push(min > 0 ? badLength(path, min, max) : tooLong(path, max));
  }
}

/** A URL in an embed: Discord refuses any scheme but http(s) and anything its parser cannot read (a space, say). */
function checkUrl(errors: FormError[], value: unknown, path: FormError['path']): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    errors.push({ path, code: 'BASE_TYPE_STRING', message: 'Could not interpret value as string.' });
    return;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1] ?? '';
  if (!['http', 'https'].includes(scheme.toLowerCase())) {
    errors.push({ path, code: 'URL_TYPE_INVALID_SCHEME', message: `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https').` });
    return;
  }
  let wellFormed = !/[\s\u0000-\u001f\u007f]/.test(value);
  try {
    if (new URL(value).hostname === '' || !/^https?:\/\/[^/?#]/i.test(value)) wellFormed = false;
  } catch {
    wellFormed = false;
  }
  if (!wellFormed) errors.push({ path, code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
}

const len = (value: unknown): number => (typeof value === 'string' ? value.length : 0);

/** Embeds: per-field limits, at most 25 fields, at most 10 embeds, at most 6000 characters over all of them. */
export function validateEmbeds(embeds: unknown, errors: FormError[]): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    errors.push({ path: ['embeds'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  const L = LIMITS.embed;
  if (embeds.length > LIMITS.message.embeds) errors.push(tooLong(['embeds'], LIMITS.message.embeds));
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isDict(embed)) {
      errors.push({ path: ['embeds', i], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    checkString(errors, embed.title, ['embeds', i, 'title'], L.title);
    checkUrl(errors, embed.url, ['embeds', i, 'url']);
    for (const part of ['author', 'image', 'thumbnail'] as const) if (isDict(embed[part])) checkUrl(errors, embed[part].url, ['embeds', i, part, 'url']);
    checkString(errors, embed.description, ['embeds', i, 'description'], L.description);
    total += len(embed.title) + len(embed.description);
    if (isDict(embed.footer)) {
      checkString(errors, embed.footer.text, ['embeds', i, 'footer', 'text'], L.footerText, { required: true });
      total += len(embed.footer.text);
    }
    if (isDict(embed.author)) {
      checkString(errors, embed.author.name, ['embeds', i, 'author', 'name'], L.authorName, { required: true });
      total += len(embed.author.name);
    }
    if (embed.color !== undefined && embed.color !== null) {
      if (!Number.isInteger(embed.color) || embed.color < 0 || embed.color > 0xffffff) {
        errors.push({ path: ['embeds', i, 'color'], code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 16777215.' });
      }
    }
    if (embed.fields !== undefined) {
      if (!Array.isArray(embed.fields)) {
        errors.push({ path: ['embeds', i, 'fields'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
      } else {
        if (embed.fields.length > L.fields) errors.push(tooLong(['embeds', i, 'fields'], L.fields));
        embed.fields.forEach((field: unknown, j) => {
          const f = isDict(field) ? field : {};
          checkString(errors, f.name, ['embeds', i, 'fields', j, 'name'], L.fieldName, { required: true, min: 1 });
          checkString(errors, f.value, ['embeds', i, 'fields', j, 'value'], L.fieldValue, { required: true, min: 1 });
          total += len(f.name) + len(f.value);
        });
      }
    }
  });
  if (total > L.totalCharacters) {
    errors.push({
      path: ['embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${L.totalCharacters}`,
    });
  }
}

const BUTTON = 2;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const V2_TOP_LEVEL_TYPES = new Set([1, 9, 10, 12, 13, 14, 17]);
/** MessageFlags.IsComponentsV2 */
export const IS_COMPONENTS_V2 = 1 << 15;

function validateButton(c: Dict, path: FormError['path'], errors: FormError[], customIds: Set<string>): void {
  const L = LIMITS.component;
  const style = c.style;
  if (!Number.isInteger(style) || style < 1 || style > 6) {
    errors.push({ path: [...path, 'style'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2, 3, 4, 5, 6).' });
  }
  checkString(errors, c.label, [...path, 'label'], L.buttonLabel);
  if (style === 5) {
    if (typeof c.url !== 'string') errors.push(required([...path, 'url']));
    if (c.custom_id !== undefined) {
      errors.push({ path: [...path, 'custom_id'], code: 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', message: 'A custom id cannot be specified for this button style' });
    }
  } else if (style === 6) {
    if (typeof c.sku_id !== 'string') errors.push(required([...path, 'sku_id']));
  } else {
    checkString(errors, c.custom_id, [...path, 'custom_id'], L.customId, { required: true, min: 1 });
    if (c.url !== undefined) {
      errors.push({ path: [...path, 'url'], code: 'BUTTON_COMPONENT_URL_NOT_ALLOWED', message: 'A url cannot be specified for this button style' });
    }
  }
  if (style !== 6 && (c.label === undefined || c.label === null || c.label === '') && !c.emoji) {
    errors.push({ path: [...path, 'label'], code: 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', message: 'A label or emoji is required' });
  }
  trackCustomId(c, path, errors, customIds);
}

function validateSelect(c: Dict, path: FormError['path'], errors: FormError[], customIds: Set<string>): void {
  const L = LIMITS.component;
  checkString(errors, c.custom_id, [...path, 'custom_id'], L.customId, { required: true, min: 1 });
  checkString(errors, c.placeholder, [...path, 'placeholder'], L.selectPlaceholder);
  for (const key of ['min_values', 'max_values'] as const) {
    const v = c[key];
    if (v !== undefined && (!Number.isInteger(v) || v < (key === 'min_values' ? 0 : 1) || v > L.selectMaxValues)) {
      errors.push({ path: [...path, key], code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${L.selectMaxValues}.` });
    }
  }
  if (c.type === 3) {
    if (!Array.isArray(c.options) || c.options.length === 0) {
      errors.push(badLength([...path, 'options'], 1, L.selectOptions));
    } else {
      if (c.options.length > L.selectOptions) errors.push(badLength([...path, 'options'], 1, L.selectOptions));
      c.options.forEach((option: unknown, k: number) => {
        const o = isDict(option) ? option : {};
        checkString(errors, o.label, [...path, 'options', k, 'label'], L.selectOptionLabel, { required: true, min: 1 });
        checkString(errors, o.value, [...path, 'options', k, 'value'], L.selectOptionValue, { required: true, min: 1 });
        checkString(errors, o.description, [...path, 'options', k, 'description'], L.selectOptionDescription);
      });
    }
  }
  trackCustomId(c, path, errors, customIds);
}

function trackCustomId(c: Dict, path: FormError['path'], errors: FormError[], customIds: Set<string>): void {
  if (typeof c.custom_id !== 'string') return;
  if (customIds.has(c.custom_id)) {
    errors.push({ path: [...path, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
  }
  customIds.add(c.custom_id);
}

function validateActionRow(row: Dict, path: FormError['path'], errors: FormError[], customIds: Set<string>): void {
  const children: unknown = row.components;
  if (!Array.isArray(children) || children.length === 0) {
    errors.push(badLength([...path, 'components'], 1, LIMITS.component.buttonsPerRow));
    return;
  }
  const buttons = children.filter((c) => isDict(c) && c.type === BUTTON).length;
  const selects = children.filter((c) => isDict(c) && SELECT_TYPES.has(c.type as number)).length;
  if (buttons > LIMITS.component.buttonsPerRow || children.length > LIMITS.component.buttonsPerRow) {
    errors.push(badLength([...path, 'components'], 1, LIMITS.component.buttonsPerRow));
  }
  if (selects > 0 && children.length > 1) {
    errors.push({ path: [...path, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
  }
  children.forEach((child: unknown, i) => {
    const c = isDict(child) ? child : {};
    const p = [...path, 'components', i];
    if (c.type === BUTTON) validateButton(c, p, errors, customIds);
    else if (SELECT_TYPES.has(c.type as number)) validateSelect(c, p, errors, customIds);
    else if (c.type === 4) {
      // text input: only valid in modals (checked by validateModal)
      checkString(errors, c.custom_id, [...p, 'custom_id'], LIMITS.component.customId, { required: true, min: 1 });
      trackCustomId(c, p, errors, customIds);
    } else {
      errors.push({ path: [...p, 'type'], code: 'UNION_TYPE_CHOICES', message: `Value of field "type" must be one of (2, 3, 5, 6, 7, 8).` });
    }
  });
}

/** Count every component, nested ones too (the v2 limit counts them all). */
function countComponents(components: unknown): number {
  if (!Array.isArray(components)) return 0;
  let n = 0;
  for (const c of components) {
    if (!isDict(c)) continue;
    n += 1 + countComponents(c.components);
    if (isDict(c.accessory)) n += 1;
  }
  return n;
}

function validateV2Component(c: Dict, path: FormError['path'], errors: FormError[], customIds: Set<string>): void {
  if (c.type === 1) validateActionRow(c, path, errors, customIds);
  else if (c.type === BUTTON) validateButton(c, path, errors, customIds);
  else if (SELECT_TYPES.has(c.type as number)) validateSelect(c, path, errors, customIds);
  if (Array.isArray(c.components) && c.type !== 1) {
    c.components.forEach((child: unknown, i: number) => {
      if (isDict(child)) validateV2Component(child, [...path, 'components', i], errors, customIds);
    });
  }
  if (isDict(c.accessory)) validateV2Component(c.accessory, [...path, 'accessory'], errors, customIds);
}

export function validateComponents(components: unknown, flags: number, errors: FormError[]): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    errors.push({ path: ['components'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  const customIds = new Set<string>();
  if (flags & IS_COMPONENTS_V2) {
    const total = countComponents(components);
    if (total > LIMITS.message.totalComponentsV2) errors.push(tooLong(['components'], LIMITS.message.totalComponentsV2));
    components.forEach((c: unknown, i) => {
      const comp = isDict(c) ? c : {};
      if (!V2_TOP_LEVEL_TYPES.has(comp.type as number)) {
        errors.push({ path: ['components', i, 'type'], code: 'UNION_TYPE_CHOICES', message: 'Value of field "type" must be one of (1, 9, 10, 12, 13, 14, 17).' });
      }
      validateV2Component(comp, ['components', i], errors, customIds);
    });
    return;
  }
  if (components.length > LIMITS.message.actionRows) errors.push(tooLong(['components'], LIMITS.message.actionRows));
  components.forEach((row: unknown, i) => {
    const r = isDict(row) ? row : {};
    if (r.type !== 1) {
      errors.push({ path: ['components', i, 'type'], code: 'UNION_TYPE_CHOICES', message: 'Value of field "type" must be one of (1,).' });
      return;
    }
    validateActionRow(r, ['components', i], errors, customIds);
  });
}

function validateAllowedMentions(am: unknown, errors: FormError[]): void {
  if (am === undefined || am === null) return;
  if (!isDict(am)) {
    errors.push({ path: ['allowed_mentions'], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
    return;
  }
  const parse: unknown[] = Array.isArray(am.parse) ? am.parse : [];
  parse.forEach((p, i) => {
    if (p !== 'users' && p !== 'roles' && p !== 'everyone') {
      errors.push({ path: ['allowed_mentions', 'parse', i], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {"everyone", "roles", "users"}.' });
    }
  });
  for (const kind of ['users', 'roles'] as const) {
    const ids: unknown = am[kind];
    if (!Array.isArray(ids)) continue;
    if (ids.length > LIMITS.message.allowedMentionIds) errors.push(tooLong(['allowed_mentions', kind], LIMITS.message.allowedMentionIds));
    if (ids.length > 0 && parse.includes(kind)) {
      errors.push({
        path: ['allowed_mentions'],
        code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      });
    }
  }
}

export interface MessageValidation {
  /** 400 / 50035 "Invalid Form Body" problems. */
  errors: FormError[];
  /** True when the resulting message would have nothing in it: Discord answers 400 / 50006. */
  empty: boolean;
}

/**
 * A message-like body (create message, interaction reply data, webhook execute / edit).
 * `mode: 'edit'` only checks the fields present; emptiness is then judged on `resulting` (the message after the edit).
 */
export function validateMessageBody(
  body: unknown,
  opts: { mode: 'create' | 'edit'; hasFiles?: boolean; resulting?: Dict },
): MessageValidation {
  const errors: FormError[] = [];
  const b = isDict(body) ? body : {};
  const flags = typeof b.flags === 'number' ? b.flags : Number(opts.resulting?.flags ?? 0);
  checkString(errors, b.content, ['content'], LIMITS.message.content);
  validateEmbeds(b.embeds, errors);
  validateComponents(b.components, flags, errors);
  validateAllowedMentions(b.allowed_mentions, errors);
  if (flags & IS_COMPONENTS_V2) {
    if (typeof b.content === 'string' && b.content !== '') {
      errors.push({ path: ['content'], code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', message: 'The \'content\' field cannot be used when using MessageFlags.IS_COMPONENTS_V2' });
    }
    if (Array.isArray(b.embeds) && b.embeds.length > 0) {
      errors.push({ path: ['embeds'], code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', message: 'The \'embeds\' field cannot be used when using MessageFlags.IS_COMPONENTS_V2' });
    }
  }
  const target = opts.mode === 'edit' ? { ...(opts.resulting ?? {}), ...b } : b;
  const hasContent = typeof target.content === 'string' && target.content.trim() !== '';
  const hasEmbeds = Array.isArray(target.embeds) && target.embeds.length > 0;
  const hasComponents = Array.isArray(target.components) && target.components.length > 0;
  const hasAttachments = Array.isArray(target.attachments) && target.attachments.length > 0;
  const hasStickers = Array.isArray(target.sticker_ids) && target.sticker_ids.length > 0;
  const hasPoll = isDict(target.poll);
  const empty = !(hasContent || hasEmbeds || hasComponents || hasAttachments || hasStickers || hasPoll || opts.hasFiles);
  return { errors, empty };
}

/** Autocomplete result (interaction callback type 8): at most 25 choices. */
export function validateAutocompleteChoices(data: unknown): FormError[] {
  const errors: FormError[] = [];
  const d = isDict(data) ? data : {};
  const L = LIMITS.autocomplete;
  if (!Array.isArray(d.choices)) {
    errors.push(required(['data', 'choices']));
    return errors;
  }
  if (d.choices.length > L.choices) errors.push(tooLong(['data', 'choices'], L.choices));
  d.choices.forEach((choice: unknown, i: number) => {
    const c = isDict(choice) ? choice : {};
    checkString(errors, c.name, ['data', 'choices', i, 'name'], L.choiceName, { required: true, min: 1 });
    if (typeof c.value === 'string') checkString(errors, c.value, ['data', 'choices', i, 'value'], L.choiceStringValue);
    else if (typeof c.value !== 'number') errors.push(required(['data', 'choices', i, 'value']));
  });
  return errors;
}

/** Modal (interaction callback type 9). */
export function validateModal(data: unknown): FormError[] {
  const errors: FormError[] = [];
  const d = isDict(data) ? data : {};
  checkString(errors, d.title, ['data', 'title'], LIMITS.modal.title, { required: true, min: 1 });
  checkString(errors, d.custom_id, ['data', 'custom_id'], LIMITS.modal.customId, { required: true, min: 1 });
  if (!Array.isArray(d.components) || d.components.length === 0 || d.components.length > LIMITS.modal.components) {
    errors.push(badLength(['data', 'components'], 1, LIMITS.modal.components));
  }
  return errors;
}

/** Chat-input command and option names: lowercase letters, digits, `-`, `_` (and letters of other scripts). */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommandOptions(options: unknown, path: FormError['path'], errors: FormError[], depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    errors.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  const L = LIMITS.command;
  if (options.length > L.options) errors.push(tooLong(path, L.options));
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, i) => {
    const o = isDict(option) ? option : {};
    const p = [...path, i];
    if (typeof o.name !== 'string' || !CHAT_INPUT_NAME.test(o.name) || o.name !== o.name.toLowerCase()) {
      errors.push({ path: [...p, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    } else if (names.has(o.name)) {
      errors.push({ path: [...p, 'name'], code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', message: 'Option name already exists' });
    } else names.add(o.name);
    checkString(errors, o.description, [...p, 'description'], L.description, { required: true, min: 1 });
    if (!Number.isInteger(o.type) || o.type < 1 || o.type > 11) {
      errors.push({ path: [...p, 'type'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).' });
    }
    const isSub = o.type === 1 || o.type === 2;
    if (isSub) {
      if (depth >= 2 || (o.type === 2 && depth >= 1)) {
        errors.push({ path: [...p, 'type'], code: 'APPLICATION_COMMAND_OPTION_INVALID_NESTING', message: 'Sub-command groups cannot be nested this deeply' });
      }
      validateCommandOptions(o.options, [...p, 'options'], errors, depth + 1);
    } else {
      if (o.required) {
        if (sawOptional) {
          errors.push({ path: [...p, 'required'], code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
        }
      } else sawOptional = true;
    }
    if (o.choices !== undefined && o.choices !== null) {
      if (!Array.isArray(o.choices)) errors.push({ path: [...p, 'choices'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
      else {
        if (o.choices.length > L.choices) errors.push(tooLong([...p, 'choices'], L.choices));
        if (o.autocomplete) {
          errors.push({ path: [...p, 'autocomplete'], code: 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES', message: 'Autocomplete cannot be enabled on options with choices' });
        }
        o.choices.forEach((choice: unknown, j: number) => {
          const c = isDict(choice) ? choice : {};
          checkString(errors, c.name, [...p, 'choices', j, 'name'], L.choiceName, { required: true, min: 1 });
          if (typeof c.value === 'string') checkString(errors, c.value, [...p, 'choices', j, 'value'], L.choiceStringValue);
        });
      }
    }
  });
}

/** A bulk-overwrite (PUT) or single create (POST) of application commands. */
export function validateCommands(commands: unknown): FormError[] {
  const errors: FormError[] = [];
  if (!Array.isArray(commands)) {
    errors.push({ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return errors;
  }
  const L = LIMITS.command;
  const perType = new Map<number, number>();
  const seen = new Set<string>();
  commands.forEach((command: unknown, i) => {
    const c = isDict(command) ? command : {};
    const type = typeof c.type === 'number' ? c.type : 1;
    perType.set(type, (perType.get(type) ?? 0) + 1);
    if (type === 1) {
      if (typeof c.name !== 'string' || !CHAT_INPUT_NAME.test(c.name) || c.name !== c.name.toLowerCase()) {
        errors.push({ path: [i, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
      }
      checkString(errors, c.description, [i, 'description'], L.description, { required: true, min: 1 });
      validateCommandOptions(c.options, [i, 'options'], errors, 0);
    } else {
      checkString(errors, c.name, [i, 'name'], L.name, { required: true, min: 1 });
      if (typeof c.description === 'string' && c.description !== '') {
        errors.push({ path: [i, 'description'], code: 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', message: 'Context menu commands cannot have description' });
      }
      if (Array.isArray(c.options) && c.options.length > 0) {
        errors.push({ path: [i, 'options'], code: 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID', message: 'Context menu commands cannot have options' });
      }
    }
    const key = `${type}:${String(c.name)}`;
    if (seen.has(key)) {
      errors.push({ path: [i, 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
    }
    seen.add(key);
  });
  const caps: Record<number, number> = { 1: L.chatInputPerScope, 2: L.userPerScope, 3: L.messagePerScope };
  for (const [type, count] of perType) {
    const cap = caps[type];
    if (cap !== undefined && count > cap) {
      errors.push({ path: [], code: 'APPLICATION_COMMAND_TOO_MANY', message: `Maximum number of application commands of type ${type} reached (${cap})` });
    }
  }
  return errors;
}
