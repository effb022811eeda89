/** Why a file could not be read or written, in words for the person using the app. */
export function describeFileFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'your disk quota is used up';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'the app is not allowed to use that file or its folder';
    case 'EIO':
      return 'the disk reported an error';
    default:
      return typeof code === 'string' ? `the system said ${code}` : 'the system refused';
  }
}

/** What to do about it, for the failures a person can mend. */
export function remedyForFileFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'Free some space on the disk';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'Check that the app may read and write its data folder';
  return 'Check the disk';
}
