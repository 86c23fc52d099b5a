package load

import (
	"strings"

	"github.com/goccy/go-yaml/token"

	"github.com/pipegen/pipegen/internal/model"
)

// maxDepth bounds how deeply a file may nest flow collections ([ and {):
// far beyond what any pipegen file needs, and low enough that a hostile file
// cannot make the YAML parser spin.
const maxDepth = 32

// maxIndent is the last column at which block structure may start: a line,
// or a "-" or "?" entry. Each level of block nesting takes at least one
// column, so this bounds it as maxDepth bounds flow nesting.
const maxIndent = 2 * maxDepth

// tooDeep reads the nesting of a file from go-yaml's own tokens and says
// where it first passes the limits, so that go-yaml's parser never sees such
// a file. The parser's time and memory grow with the square of the nesting:
// 40,000 levels of [ (80 KB) take it about ten seconds and 2.5 GB, and so do
// 40,000 levels of "- - - x" on one line. Its lexer is linear (a megabyte of
// [ in about a second), and its tokens are what the parser reads anyway. So
// the guard costs one walk over a list that is built in any case, and it
// knows quotes, escapes, comments, block scalars, tabs and line breaks
// exactly as go-yaml does: it has no quoting rules of its own to get wrong.
// A scan of the text had them, and was fooled: "[a ', [[[[..." hid real
// brackets behind an apostrophe it took for a quote.
//
// Three things count:
//   - a [ or { token opens a flow collection and ] or } closes it: more
//     than maxDepth open at once is too deep;
//   - outside flow collections, a line, a "-" or a "?" that starts past
//     maxIndent is too deep. Nesting by indented lines alone costs the
//     parser little for the size of the file (which grows with the square
//     of the depth), but entries on one line ("- - - x") cost as much as
//     brackets, and one column limit covers both;
//   - a [ or { inside unquoted text counts as if it opened a collection.
//     go-yaml reads it as text, so this is stricter than the parser needs,
//     but it keeps the rule a reader can check by eye — brackets outside
//     quoted text, comments and block scalars — and no value a person
//     writes has 32 unclosed brackets.
func tooDeep(tokens token.Tokens) (model.Pos, bool) {
	depth := 0
	line := 0 // the line of the last token that is not a comment
	var prev *token.Token
	for _, tk := range tokens {
		p := tk.Position
		if p == nil || tk.Type == token.CommentType {
			continue
		}
		blockText := tk.Type == token.StringType && prev != nil &&
			(prev.Type == token.LiteralType || prev.Type == token.FoldedType)
		prev = tk
		if blockText {
			continue // the lines of a block scalar (notes: |) are text
		}
		if depth == 0 && (p.Line > line || tk.Type == token.SequenceEntryType || tk.Type == token.MappingKeyType) && p.Column > maxIndent {
			return model.Pos{Line: p.Line, Col: maxIndent + 1}, true
		}
		line = p.Line
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			if depth > maxDepth {
				return model.Pos{Line: p.Line, Col: p.Column}, true
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		case token.StringType:
			if at, ok := bracketsInText(tk, depth); ok {
				return at, true
			}
		}
	}
	return model.Pos{}, false
}

// bracketsInText counts the brackets of an unquoted scalar from the depth
// where it stands, and says where they pass maxDepth. The token's Origin is
// the text as written, with the spaces and line breaks around it; its
// Position is where the text starts.
func bracketsInText(tk *token.Token, depth int) (model.Pos, bool) {
	if !strings.ContainsAny(tk.Origin, "[{") {
		return model.Pos{}, false
	}
	s := strings.TrimLeft(tk.Origin, " \t\r\n")
	line, col := tk.Position.Line, tk.Position.Column
	for i, r := range s {
		switch r {
		case '[', '{':
			depth++
			if depth > maxDepth {
				return model.Pos{Line: line, Col: col}, true
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
		switch {
		case r == '\n' || r == '\r' && !strings.HasPrefix(s[i+1:], "\n"):
			line, col = line+1, 1
		case r != '\r':
			col++
		}
	}
	return model.Pos{}, false
}

// maxEntries bounds the mapping fields and documents of one file: a deal
// has a few dozen fields and a large pipeline.yaml a few thousand.
const maxEntries = 10_000

// tooMany counts the fields of every mapping (their ":" tokens) and the
// documents of a file, and says where the count passes maxEntries. go-yaml's
// parser copies a block mapping's fields for each field it adds, and a
// file's documents likewise, so its time grows with the square of their
// number: a megabyte of "kN: v" lines takes it seconds and a gigabyte.
// 10,000 take it half a second.
func tooMany(tokens token.Tokens) (model.Pos, bool) {
	n := 0
	for _, tk := range tokens {
		if tk.Type != token.MappingValueType && tk.Type != token.DocumentHeaderType {
			continue
		}
		if n++; n > maxEntries && tk.Position != nil {
			return model.Pos{Line: tk.Position.Line, Col: tk.Position.Column}, true
		}
	}
	return model.Pos{}, false
}
