import { describe, expect, it } from 'vitest';
import { describeFileFailure, remedyForFileFailure } from '../../src/main/file-failure';

const failure = (code: string | undefined) => Object.assign(new Error('write failed'), { code });

describe('a file the system would not let the app use, in words', () => {
  it.each([
    ['ENOSPC', 'the disk is full', 'Free some space on the disk'],
    ['EDQUOT', 'your disk quota is used up', 'Free some space on the disk'],
    ['EROFS', 'the disk is read-only', 'Check that the app may read and write its data folder'],
    [
      'EACCES',
      'the app is not allowed to use that file or its folder',
      'Check that the app may read and write its data folder',
    ],
    [
      'EPERM',
      'the app is not allowed to use that file or its folder',
      'Check that the app may read and write its data folder',
    ],
    ['EIO', 'the disk reported an error', 'Check the disk'],
    ['EISDIR', 'the system said EISDIR', 'Check the disk'],
  ])('%s: %s', (code, said, remedy) => {
    expect(describeFileFailure(failure(code))).toBe(said);
    expect(remedyForFileFailure(failure(code))).toBe(remedy);
  });

  it('says the system refused when there is no code to tell', () => {
    expect(describeFileFailure(failure(undefined))).toBe('the system refused');
    expect(describeFileFailure('not an error')).toBe('the system refused');
    expect(remedyForFileFailure(null)).toBe('Check the disk');
  });
});
