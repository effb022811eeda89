import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from 'react-error-boundary';
import { App } from './App';
import { WindowFailure } from './components/WindowFailure';
import { reportUnhandledWindowErrors, reportWindowError } from './window-error-reporting';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
reportUnhandledWindowErrors();
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary
      FallbackComponent={WindowFailure}
      onError={(error, info) => reportWindowError('window', error, info.componentStack)}
    >
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
