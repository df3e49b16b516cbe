"""Reading what a page rendered, for tests that check the rows a list shows."""

from html.parser import HTMLParser


class _BodyRows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self._depth, self._row = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._depth += 1
        elif tag == "tr" and self._depth:
            self._row = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._depth -= 1
        elif tag == "tr" and self._row is not None:
            self.rows.append(" ".join(" ".join(self._row).split()))
            self._row = None

    def handle_data(self, data):
        if self._row is not None:
            self._row.append(data)


def body_rows(html):
    """The text of every row in the page's table bodies (`<tbody><tr>`), whitespace collapsed."""
    parser = _BodyRows()
    parser.feed(html)
    parser.close()
    return parser.rows
