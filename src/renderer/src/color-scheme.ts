import { useSyncExternalStore } from 'react';

const darkQuery = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(darkQuery);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** The system's appearance, light or dark, kept current as the user switches it. */
export function useColorScheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, () =>
    window.matchMedia(darkQuery).matches ? 'dark' : 'light',
  );
}
