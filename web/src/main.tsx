import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Layout } from './Layout.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { ReaderPage } from './pages/ReaderPage.tsx';
import { DocsPage } from './pages/DocsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

// Pages restore their own scroll position on back and forward (useScrollMemory), once their
// content is there; the browser's own restoration would jump before it is.
if ('scrollRestoration' in window.history) window.history.scrollRestoration = 'manual';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<SearchPage />} />
          <Route path="docs" element={<DocsPage />} />
          <Route path="doc/:docId" element={<ReaderPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  </StrictMode>,
);
