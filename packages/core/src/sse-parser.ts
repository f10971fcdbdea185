/** One server-sent event: its `event` name (`message` when unnamed) and its `data` lines joined by `\n`. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental parser for `text/event-stream` (the subset chat-completions servers use): feed it
 * decoded text in arbitrary pieces with `push`, get back the events completed so far; `end` flushes an
 * event left without its closing blank line. Lines may end in `\n`, `\r\n` or `\r`; comments (`:`)
 * and fields other than `data` and `event` are ignored.
 */
export const createSseParser = () => {
  let buf = '';
  let data: string[] = [];
  let event = '';
  const out: SseEvent[] = [];

  const line = (l: string) => {
    if (l === '') {
      if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  };

  return {
    push(text: string): SseEvent[] {
      buf += text;
      let start = 0;
      for (let i = 0; i < buf.length; i++) {
        const c = buf[i];
        if (c !== '\n' && c !== '\r') continue;
        // A `\r` at the end of the buffer may be the first half of `\r\n`: wait for more.
        if (c === '\r' && i + 1 === buf.length) break;
        line(buf.slice(start, i));
        if (c === '\r' && buf[i + 1] === '\n') i++;
        start = i + 1;
      }
      buf = buf.slice(start);
      return out.splice(0);
    },
    end(): SseEvent[] {
      if (buf !== '') line(buf.endsWith('\r') ? buf.slice(0, -1) : buf);
      buf = '';
      line('');
      return out.splice(0);
    },
  };
};
