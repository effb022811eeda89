// zod/mini, as relay-protocol.ts: the relay validates every webhook with this schema, and bundled,
// zod/mini costs it well under 1 MB where zod costs about 5 MB.
import * as z from 'zod/mini';

export const accountEventNames = ['account.created', 'account.updated', 'account.deleted'] as const;
export type AccountEventName = (typeof accountEventNames)[number];

const isoDate = z.iso.datetime({ offset: true });
const nonEmpty = () => z.string().check(z.minLength(1));

/** The flat StackOne webhook envelope (STACKONE.md §2). Unknown extra fields are kept. */
export const stackOneWebhookSchema = z.looseObject({
  project_id: z.string(),
  event: nonEmpty(),
  event_date: isoDate,
  record_type: z.string(),
  record_id: nonEmpty(),
  sent_at: isoDate,
  account_id: nonEmpty(),
  provider: nonEmpty(),
  origin_owner_id: z.optional(z.string()),
  origin_owner_name: z.optional(z.string()),
  origin_username: z.optional(z.string()),
  setup_information: z.optional(z.record(z.string(), z.unknown())),
});
export type StackOneWebhook = z.infer<typeof stackOneWebhookSchema>;

export function isAccountEvent(event: string): event is AccountEventName {
  return (accountEventNames as readonly string[]).includes(event);
}
