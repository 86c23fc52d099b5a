package load

import (
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// fastParse reads the usual shape of a pipegen file straight into go-yaml's
// syntax tree, without go-yaml's scanner and parser, which take about three
// quarters of the time of loading a deal. The usual shape is: block
// mappings with plain keys, block lists, one-line flow collections of
// scalars ({stage: won, date: 2026-01-02} or [a, b]), plain and simply
// quoted one-line scalars, literal block scalars (notes: |) and comments.
//
// On anything else — and on anything that could be an error — it gives up
// (ok is false) and the caller parses with go-yaml. What it does build must
// be the tree go-yaml would build, as far as the decoder reads it; the
// differential tests and fuzz targets compare the two on every input.
func fastParse(src []byte) (body ast.Node, ok bool) {
	if len(src) == 0 || src[len(src)-1] != '\n' || !fastBytes(src) {
		// An empty file, or one with no newline at its end (where block
		// scalars end differently): left to go-yaml.
		return nil, false
	}
	p := &fastParser{}
	p.split(string(src[:len(src)-1]))
	defer func() {
		if r := recover(); r != nil {
			if _, give := r.(giveUp); !give {
				panic(r)
			}
			body, ok = nil, false
		}
	}()
	p.skip()
	if p.i == len(p.lines) {
		return nil, false // only comments: let go-yaml decide
	}
	body = p.block(0) // gives up unless the first line starts at column 1
	p.skip()
	if p.i != len(p.lines) {
		p.fail() // a line the structure does not account for
	}
	return body, true
}

// fastBytes reports whether src avoids the characters the fast path never
// handles: tabs, carriage returns and other control characters, and the
// characters that YAML may read as line breaks or a byte-order mark
// (U+0085, U+2028, U+2029, U+FEFF). It errs on the side of giving up.
func fastBytes(src []byte) bool {
	for i, c := range src {
		switch {
		case c < 0x20 && c != '\n', c == 0x7f:
			return false
		case c == 0xc2 && i+1 < len(src) && src[i+1] >= 0x80 && src[i+1] <= 0x9f: // C1 controls, U+0085
			return false
		case c == 0xe2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xa8 || src[i+2] == 0xa9):
			return false
		case c == 0xef && i+2 < len(src) && src[i+1] == 0xbb && src[i+2] == 0xbf:
			return false
		}
	}
	return true
}

// giveUp is the panic value that unwinds the fast parser when the input is
// not of the usual shape.
type giveUp struct{}

// fastLine is one line of the file: its number, its indentation in spaces
// and the text after it. After "- ", the rest of a line is parsed as a line
// of its own, indented to where it starts.
type fastLine struct {
	no     int
	indent int
	text   string
	raw    string // the whole line, for block scalars
	blank  bool   // empty, spaces only, or a comment
	// trailing is set when the line ends with spaces, after which go-yaml
	// sometimes places the next value one column off: left to go-yaml.
	trailing bool
}

type fastParser struct {
	lines []fastLine
	i     int // the current line
}

func (p *fastParser) fail() { panic(giveUp{}) }

func (p *fastParser) split(src string) {
	n := strings.Count(src, "\n") + 1
	p.lines = make([]fastLine, 0, n)
	for no := 1; ; no++ {
		line, rest, more := strings.Cut(src, "\n")
		text := strings.TrimLeft(line, " ")
		indent := len(line) - len(text)
		trimmed := strings.TrimRight(text, " ")
		p.lines = append(p.lines, fastLine{no: no, indent: indent, text: trimmed, raw: line,
			blank: trimmed == "" || trimmed[0] == '#', trailing: len(trimmed) < len(text)})
		if !more {
			break
		}
		src = rest
	}
}

// skip moves past blank and comment lines, to a line of the structure.
func (p *fastParser) skip() {
	for p.i < len(p.lines) && p.lines[p.i].blank {
		p.i++
	}
	if p.i < len(p.lines) && p.lines[p.i].trailing {
		p.fail()
	}
}

// block parses the mapping or list that starts at the current line, whose
// indentation is indent.
func (p *fastParser) block(indent int) ast.Node {
	l := p.lines[p.i]
	if l.indent != indent {
		p.fail()
	}
	if isEntry(l.text) {
		return p.list(indent)
	}
	return p.mapping(indent)
}

// isEntry reports whether text starts a list entry.
func isEntry(text string) bool {
	return text == "-" || strings.HasPrefix(text, "- ")
}

// mapping parses "key: value" lines at indent.
func (p *fastParser) mapping(indent int) ast.Node {
	var values []*ast.MappingValueNode
	for {
		p.skip()
		if p.i == len(p.lines) {
			break
		}
		l := p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || isEntry(l.text) {
			p.fail()
		}
		colon := strings.IndexByte(l.text, ':')
		if colon <= 0 || !plainKey(l.text[:colon]) || (colon+1 < len(l.text) && l.text[colon+1] != ' ') {
			p.fail()
		}
		name := l.text[:colon]
		for _, kv := range values {
			if kv.Key.GetToken().Value == name {
				p.fail() // go-yaml reports duplicate keys
			}
		}
		keyPos := &token.Position{Line: l.no, Column: indent + 1}
		key := scalarNode(plainToken(name, keyPos))
		colonTk := token.MappingValue(&token.Position{Line: l.no, Column: indent + colon + 1})
		rest := strings.TrimLeft(l.text[colon+1:], " ")
		restCol := indent + len(l.text) - len(rest) // 0-based
		var value ast.Node
		switch {
		case rest == "" || rest[0] == '#':
			p.i++
			value = p.nested(indent, colonTk)
		case rest == "|" || rest == "|-":
			p.i++
			value = p.literal(indent, rest, &token.Position{Line: l.no, Column: restCol + 1})
		default:
			value = p.inline(l, rest, restCol)
			p.i++
			p.noDeeper(indent)
		}
		mk, ok := key.(ast.MapKeyNode)
		if !ok {
			p.fail()
		}
		values = append(values, ast.MappingValue(colonTk, mk, value))
	}
	if len(values) == 0 {
		p.fail()
	}
	return ast.Mapping(values[0].Key.GetToken(), false, values...)
}

// nested parses the value of a key with nothing after its colon: a block
// on the lines below, a list at the key's own indentation, or nothing.
func (p *fastParser) nested(indent int, colon *token.Token) ast.Node {
	p.skip()
	if p.i < len(p.lines) {
		l := p.lines[p.i]
		switch {
		case l.indent > indent:
			return p.block(l.indent)
		case l.indent == indent && isEntry(l.text):
			return p.list(indent)
		}
	}
	pos := *colon.Position
	pos.Column++
	return ast.Null(token.New("null", "", &pos))
}

// noDeeper gives up when the next line is indented deeper than a value that
// ended on its own line: that is a multi-line scalar or an error.
func (p *fastParser) noDeeper(indent int) {
	p.skip()
	if p.i < len(p.lines) && p.lines[p.i].indent > indent {
		p.fail()
	}
}

// list parses "- item" lines at indent.
func (p *fastParser) list(indent int) ast.Node {
	var seq *ast.SequenceNode
	for {
		p.skip()
		if p.i == len(p.lines) {
			break
		}
		l := p.lines[p.i]
		if l.indent < indent || (l.indent == indent && !isEntry(l.text)) {
			break
		}
		if l.indent > indent || l.text == "-" {
			p.fail()
		}
		dash := token.SequenceEntry("-", &token.Position{Line: l.no, Column: indent + 1})
		if seq == nil {
			seq = ast.Sequence(dash, false)
		}
		rest := strings.TrimLeft(l.text[1:], " ")
		restCol := indent + len(l.text) - len(rest)
		var item ast.Node
		switch {
		case rest[0] == '#':
			p.fail() // an empty entry
		case rest == "|" || rest == "|-":
			p.i++
			item = p.literal(indent, rest, &token.Position{Line: l.no, Column: restCol + 1})
		case isEntry(rest) || looksLikeKey(rest):
			// The rest of the line starts a block of its own, indented
			// to where it starts: "- stage: won" and the lines below it.
			p.lines[p.i].indent, p.lines[p.i].text = restCol, rest
			item = p.block(restCol)
		default:
			item = p.inline(l, rest, restCol)
			p.i++
			p.noDeeper(indent)
		}
		seq.Values = append(seq.Values, item)
	}
	if seq == nil {
		p.fail()
	}
	return seq
}

// looksLikeKey reports whether text starts with "key:" followed by a space
// or the end of the line.
func looksLikeKey(text string) bool {
	colon := strings.IndexByte(text, ':')
	return colon > 0 && plainKey(text[:colon]) && (colon+1 == len(text) || text[colon+1] == ' ')
}

// plainKey reports whether s is a key of letters, digits, _ and - that
// starts with a letter: every key of a pipegen file.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return s != ""
}

// inline parses a value that ends on its line: a flow collection or a
// scalar. col is where rest starts in the line (0-based, in bytes).
func (p *fastParser) inline(l fastLine, rest string, col int) ast.Node {
	var n ast.Node
	var end int
	switch rest[0] {
	case '{', '[':
		n, end = p.flow(l, col)
	case '"', '\'':
		n, end = p.quoted(l, col)
	default:
		n, end = p.plain(l, col, false)
	}
	after := l.text[end-l.indent:]
	tail := strings.TrimLeft(after, " ")
	if tail != "" && (tail[0] != '#' || len(tail) == len(after)) {
		p.fail() // something after the value, or a # glued to it
	}
	return n
}

// column converts a byte offset in line l to go-yaml's 1-based column,
// which counts characters.
func column(l fastLine, at int) int {
	return l.indent + utf8.RuneCountInString(l.text[:at-l.indent]) + 1
}

// plain parses a plain scalar starting at byte offset at (counted from the
// start of the line, indentation included); in a flow collection it also
// ends at , ] and }. It returns the node and the offset after it.
func (p *fastParser) plain(l fastLine, at int, flow bool) (ast.Node, int) {
	text := l.text[at-l.indent:]
	if text == "" || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", text[0]) >= 0 && !(text[0] == '-' && len(text) > 1 && text[1] != ' ') {
		p.fail() // an indicator: an anchor, alias, tag, block scalar…
	}
	end := len(text)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '#' && text[i-1] == ' ' {
			end = i
			break
		}
		if c == ':' && (i+1 == len(text) || text[i+1] == ' ' || flow) {
			p.fail() // a mapping inside a value, or a key with no space
		}
		if flow && (c == ',' || c == ']' || c == '}') {
			end = i
			break
		}
		if flow && (c == '[' || c == '{') {
			p.fail()
		}
	}
	value := strings.TrimRight(text[:end], " ")
	if value == "" {
		p.fail()
	}
	pos := &token.Position{Line: l.no, Column: column(l, at)}
	return scalarNode(plainToken(value, pos)), at + len(value)
}

// plainToken types a plain scalar as go-yaml does (token.New), skipping
// its number parsing for the usual text that starts with a letter.
func plainToken(value string, pos *token.Position) *token.Token {
	if c := value[0] | 0x20; c >= 'a' && c <= 'z' {
		switch value {
		case "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE":
		default:
			return token.String(value, value, pos)
		}
	}
	return token.New(value, value, pos)
}

// quoted parses a one-line quoted scalar with no escapes.
func (p *fastParser) quoted(l fastLine, at int) (ast.Node, int) {
	text := l.text[at-l.indent:]
	q := text[0]
	end := strings.IndexByte(text[1:], q)
	if end < 0 {
		p.fail()
	}
	end++
	if end+1 < len(text) && text[end+1] == q {
		p.fail() // '' inside single quotes
	}
	value := text[1:end]
	if q == '"' && strings.IndexByte(value, '\\') >= 0 {
		p.fail() // escapes
	}
	pos := &token.Position{Line: l.no, Column: column(l, at)}
	var tk *token.Token
	if q == '"' {
		tk = token.DoubleQuote(value, text[:end+1], pos)
	} else {
		tk = token.SingleQuote(value, text[:end+1], pos)
	}
	return ast.String(tk), at + end + 1
}

// flow parses a one-line flow collection of scalars: {k: v, …} or [a, …].
func (p *fastParser) flow(l fastLine, at int) (ast.Node, int) {
	text := l.text[at-l.indent:]
	open := text[0]
	startTk := &token.Position{Line: l.no, Column: column(l, at)}
	i := 1
	spaces := func() {
		for i < len(text) && text[i] == ' ' {
			i++
		}
	}
	value := func() ast.Node {
		spaces()
		if i == len(text) {
			p.fail()
		}
		var n ast.Node
		var end int
		switch text[i] {
		case '"', '\'':
			n, end = p.quoted(l, at+i)
		case '[', '{':
			p.fail()
		default:
			n, end = p.plain(l, at+i, true)
		}
		i = end - at
		spaces()
		return n
	}
	var values []ast.Node
	var pairs []*ast.MappingValueNode
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	spaces()
	for i < len(text) && text[i] != closer {
		if open == '{' {
			ks := i
			colon := strings.IndexByte(text[i:], ':')
			if colon <= 0 || !plainKey(text[i:i+colon]) || i+colon+1 >= len(text) || text[i+colon+1] != ' ' {
				p.fail()
			}
			name := text[i : i+colon]
			for _, kv := range pairs {
				if kv.Key.GetToken().Value == name {
					p.fail()
				}
			}
			keyTk := plainToken(name, &token.Position{Line: l.no, Column: column(l, at+ks)})
			colonTk := token.MappingValue(&token.Position{Line: l.no, Column: column(l, at+i+colon)})
			i += colon + 1
			mk, ok := scalarNode(keyTk).(ast.MapKeyNode)
			if !ok {
				p.fail()
			}
			pairs = append(pairs, ast.MappingValue(colonTk, mk, value()))
		} else {
			values = append(values, value())
		}
		if i < len(text) && text[i] == ',' {
			i++
			spaces()
			if i < len(text) && text[i] == closer {
				p.fail() // a trailing comma
			}
		} else if i >= len(text) || text[i] != closer {
			p.fail()
		}
	}
	if i >= len(text) {
		p.fail() // not closed on this line
	}
	end := at + i + 1
	if open == '{' {
		startTk := token.MappingStart("{", startTk)
		return ast.Mapping(startTk, true, pairs...), end
	}
	seq := ast.Sequence(token.SequenceStart("[", startTk), true)
	seq.Values = values
	return seq, end
}

// literal parses the lines of a literal block scalar (| or |-) whose
// header is at pos; parent is the indentation of the key or entry it
// belongs to.
func (p *fastParser) literal(parent int, header string, pos *token.Position) ast.Node {
	start := p.i
	if start == len(p.lines) || strings.TrimLeft(p.lines[start].raw, " ") == "" {
		p.fail() // an empty block, or leading empty lines
	}
	indent := p.lines[start].indent
	if indent <= parent {
		p.fail()
	}
	var b strings.Builder
	last := start // one past the last line with text
	for p.i < len(p.lines) {
		raw := p.lines[p.i].raw
		if strings.TrimLeft(raw, " ") == "" {
			if len(raw) > indent {
				p.fail() // spaces beyond the indentation are text
			}
			p.i++
			continue
		}
		if p.lines[p.i].indent < indent {
			if p.lines[p.i].indent > parent {
				p.fail()
			}
			break
		}
		for k := last; k < p.i; k++ {
			b.WriteByte('\n') // the empty lines in between
		}
		if p.i > start {
			b.WriteByte('\n')
		}
		b.WriteString(raw[indent:])
		p.i++
		last = p.i
	}
	if header == "|" {
		b.WriteByte('\n')
	}
	// Empty lines after the block belong to no one: let the caller skip them.
	p.i = last
	n := ast.Literal(token.Literal(header, header, pos))
	n.Value = ast.String(token.String(b.String(), b.String(), &token.Position{Line: p.lines[start].no, Column: indent + 1}))
	return n
}

// scalarNode makes the node go-yaml makes for a scalar token.
func scalarNode(tk *token.Token) ast.Node {
	switch tk.Type {
	case token.NullType:
		return ast.Null(tk)
	case token.BoolType:
		return ast.Bool(tk)
	case token.IntegerType, token.BinaryIntegerType, token.OctetIntegerType, token.HexIntegerType:
		return ast.Integer(tk)
	case token.FloatType:
		return ast.Float(tk)
	case token.InfinityType:
		return ast.Infinity(tk)
	case token.NanType:
		return ast.Nan(tk)
	case token.StringType:
		return ast.String(tk)
	}
	panic(giveUp{})
}
