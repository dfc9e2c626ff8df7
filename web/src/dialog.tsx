// Dialogs are the native <dialog> (focus trap, Escape and inert background for free): the frame,
// "Are you sure?" for what cannot be undone, and the Cancel / action row they share.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './icons.tsx';
import { FormError } from './ui.tsx';

export function Dialog(props: { open: boolean; title: string; onClose(): void; children: ReactNode; className?: string; describedBy?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first focusable element (the Close button); a dialog may name a better one.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  // In a portal, and submit events stop here: a dialog's own <form> must not also submit the
  // screen's form around it (React passes events up through portals).
  return createPortal(
    <dialog
      ref={ref}
      onSubmit={(event) => event.stopPropagation()}
      className={props.className ?? 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      onClose={() => props.open && props.onClose()}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <header className="dialog-head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
              <Icon name="close" />
            </button>
          </header>
          {props.children}
        </>
      )}
    </dialog>,
    document.body,
  );
}

/** "Are you sure?" for what cannot be undone. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
  onClose(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const messageId = useId();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose} describedBy={messageId}>
      <div className="dialog-body" id={messageId}>
        {props.message}
      </div>
      <FormError message={error} />
      <DialogActions onCancel={props.onClose} label={props.confirmLabel} busyLabel="Working…" busy={busy} danger={props.danger} onConfirm={confirm} />
    </Dialog>
  );
}

/** Cancel and the dialog's action; the action submits the dialog's form unless onConfirm is given. */
export function DialogActions(props: { onCancel(): void; label: string; busyLabel: string; busy: boolean; danger?: boolean; onConfirm?(): void }) {
  return (
    <footer className="dialog-actions">
      <button type="button" className="button" onClick={props.onCancel} data-autofocus={props.danger ? true : undefined}>
        Cancel
      </button>
      <button
        type={props.onConfirm ? 'button' : 'submit'}
        className={props.danger ? 'button danger' : 'button primary'}
        onClick={props.onConfirm}
        disabled={props.busy}
      >
        {props.busy ? props.busyLabel : props.label}
      </button>
    </footer>
  );
}
