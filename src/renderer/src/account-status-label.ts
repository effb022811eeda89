const statusLabels: Record<string, string> = {
  pending: 'Pending verification',
  active: 'Active',
  error: 'Error',
  expired: 'Expired',
  inactive: 'Inactive',
  suspended: 'Suspended',
  archived: 'Archived',
};

/** How an account's status reads; a status StackOne added since is shown as it comes. */
export const accountStatusLabel = (status: string): string => statusLabels[status] ?? status;
