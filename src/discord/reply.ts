import { MessageFlags, type InteractionEditReplyOptions, type InteractionReplyOptions, type InteractionUpdateOptions, type MessageCreateOptions } from 'discord.js';
import type { MessageView } from '../format/discord.js';

/**
 * The one place message options are built: nothing the bot sends may ping anyone (a quote or an
 * echoed question can contain @everyone), and text-only messages never unfurl link previews.
 */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

export function interactionReply(view: MessageView, ephemeral = false): InteractionReplyOptions & { flags?: number } {
  let flags = ephemeral ? MessageFlags.Ephemeral : 0;
  if (view.embeds.length === 0) flags |= MessageFlags.SuppressEmbeds;
  return {
    ...(view.content !== undefined && { content: view.content }),
    embeds: view.embeds,
    components: view.components,
    allowedMentions: NO_MENTIONS,
    ...(flags && { flags }),
  } as InteractionReplyOptions & { flags?: number };
}

export function messageReply(view: MessageView): MessageCreateOptions {
  return {
    ...(view.content !== undefined && { content: view.content }),
    embeds: view.embeds,
    components: view.components,
    allowedMentions: NO_MENTIONS,
    ...(view.embeds.length === 0 && { flags: MessageFlags.SuppressEmbeds }),
  } as MessageCreateOptions;
}

/** A short text reply, for refusals and notices. */
export function notice(text: string): MessageView {
  return { content: text, embeds: [], components: [] };
}

/** For replacing a message: editing a deferred reply, or a button updating the message it is on. */
export function updateReply(view: MessageView): InteractionUpdateOptions & InteractionEditReplyOptions {
  return {
    ...(view.content !== undefined && { content: view.content }),
    embeds: view.embeds,
    components: view.components,
    allowedMentions: NO_MENTIONS,
    flags: view.embeds.length === 0 ? MessageFlags.SuppressEmbeds : 0,
  } as InteractionUpdateOptions & InteractionEditReplyOptions;
}
