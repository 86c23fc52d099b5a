package edit

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
)

// Scalar writes s as a YAML value that reads back as exactly s, in a block
// mapping or inside a flow collection: plain when that is safe (words with
// spaces between them, letters of any script), double-quoted otherwise.
// Anything that YAML would read as another type (true, null, 0123, -1) or
// that holds YAML's punctuation is quoted.
func Scalar(s string) string {
	if plainIsSafe(s) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a JSON string is a YAML double-quoted scalar
	return strings.TrimSuffix(b.String(), "\n")
}

func plainIsSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' || c == '.' {
		return false // a number, a date, a list item or .inf
	}
	for _, r := range s {
		word := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ' '
		// Beyond ASCII, printable letters and marks only: not the line
		// breaks of YAML 1.1 (U+0085, U+2028, U+2029) nor a byte order mark.
		if !word && !(r > unicode.MaxASCII && unicode.IsPrint(r) && r != '\uFEFF') {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		return false
	}
	return true
}
