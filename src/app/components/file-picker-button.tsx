import { useRef, type ReactNode } from 'react';

interface FilePickerButtonProps {
  children: ReactNode;
  accept: string;
  testId: string;
  ariaLabel: string;
  className?: string;
  onFiles(files: File[]): void;
}

/** A button over a hidden file input; the input is cleared after each pick so picking the same file again still fires. */
export function FilePickerButton({ children, accept, testId, ariaLabel, className = '', onFiles }: FilePickerButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        data-testid={testId}
        aria-label={ariaLabel}
        onChange={(event) => {
          onFiles(Array.from(event.currentTarget.files ?? []));
          event.currentTarget.value = '';
        }}
      />
    </>
  );
}
