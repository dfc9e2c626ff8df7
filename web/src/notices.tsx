// Notices: short confirmations and failures, announced to screen readers.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

interface Notice {
  id: number;
  text: string;
  tone: 'good' | 'bad';
}

const NoticeContext = createContext<(text: string, tone?: Notice['tone']) => void>(() => {});

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(0);
  const notify = useCallback((text: string, tone: Notice['tone'] = 'good') => {
    const id = ++next.current;
    setNotices((list) => [...list.slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), 6000);
  }, []);
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <p key={n.id} className={`notice ${n.tone}`}>
            {n.text}
          </p>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export const useNotify = () => useContext(NoticeContext);
