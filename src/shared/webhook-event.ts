import { z } from 'zod';

export const accountEventNames = ['account.created', 'account.updated', 'account.deleted'] as const;
export type AccountEventName = (typeof accountEventNames)[number];

const isoDate = z.iso.datetime({ offset: true });

/** The flat StackOne webhook envelope (STACKONE.md §2). Unknown extra fields are kept. */
export const stackOneWebhookSchema = z.looseObject({
  project_id: z.string(),
  event: z.string().min(1),
  event_date: isoDate,
  record_type: z.string(),
  record_id: z.string().min(1),
  sent_at: isoDate,
  account_id: z.string().min(1),
  provider: z.string().min(1),
  origin_owner_id: z.string().optional(),
  origin_owner_name: z.string().optional(),
  origin_username: z.string().optional(),
  setup_information: z.record(z.string(), z.unknown()).optional(),
});
export type StackOneWebhook = z.infer<typeof stackOneWebhookSchema>;

export function isAccountEvent(event: string): event is AccountEventName {
  return (accountEventNames as readonly string[]).includes(event);
}
