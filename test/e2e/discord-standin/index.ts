/**
 * A local stand-in for Discord's HTTP API and gateway, for end-to-end tests that run the real discord.js client.
 * See README.md in this folder.
 */
export { startDiscordStandin, type DiscordStandin, type DispatchedMessage, type ForumPost, type ForumPostInit, type StandinOptions } from './standin.js';
export { InteractionHandle } from './interactions.js';
export { hostAttachment, attachmentOption, type UploadInit } from './attachments.js';
export type { RecordedRequest, RecordedFile, Violation, CallbackRecord, WebhookRecord, ApiErrorBody } from './types.js';
export type { InjectedFailure, StandinSettings } from './server.js';
export { CLOSE, INTENTS, type IdentifyRecord, type GatewaySession } from './gateway.js';
export { LIMITS, validateMessageBody, validateCommands, validateEmbeds, validateComponents, type FormError } from './limits.js';
export {
  PERMISSIONS,
  permissionString,
  hasPermission,
  EVERYONE_PERMISSIONS,
  BOT_ROLE_PERMISSIONS,
  MODERATOR_ROLE_PERMISSIONS,
} from './permissions.js';
export {
  IDS,
  MEMBER,
  MODERATOR,
  OWNER,
  BOT_USER,
  actor,
  userOf,
  defaultGuild,
  slashCommand,
  autocomplete,
  buttonClick,
  stringSelect,
  messageContextMenu,
  guildMessage,
  mentionMessage,
  type Actor,
  type GuildInit,
  type RoleInit,
  type ChannelInit,
  type InteractionInit,
  type OptionInput,
} from './payloads.js';
