import type { ReactNode } from 'react';

/** A link to something that is not (or no longer) there: says so, and offers ways on. */
export const MissingPage = ({
  testId,
  title,
  children,
  links,
}: {
  testId: string;
  title: string;
  children: ReactNode;
  links: { href: string; text: string }[];
}) => (
  <section className="lf-page lf-empty-page" aria-labelledby="missing-title" data-testid={testId}>
    <h1 id="missing-title">{title}</h1>
    <p>{children}</p>
    <p className="lf-actions">
      {links.map((l, i) => (
        <a key={l.href} className={i === 0 ? 'lf-button primary' : 'lf-button'} href={l.href}>
          {l.text}
        </a>
      ))}
    </p>
  </section>
);
