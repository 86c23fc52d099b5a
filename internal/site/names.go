package site

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// The site's file names come from user strings — a deal's path under
// deals/, an owner id — so they are made safe by construction: every byte
// outside a short list of letters is written as "~" and two hex digits.
// The result is a valid file name on any file system and a URL path that
// needs no escaping: "../index" cannot climb out of the site nor replace a
// page, "a#b" and "c?d" do not turn into a fragment or a query, and a
// 300-character owner stays within the length of a file name.

// maxName bounds the length of one file name made from a user string;
// file systems allow 255 bytes, and a longer one is cut and told apart by a
// hash of the whole.
const maxName = 120

// fileName encodes one path component. keepUpper keeps capital letters
// (deal ids, which check already refuses to differ only in case); owner ids
// have no such rule, so their capitals are encoded and "Ann" and "ann"
// never share a file on a case-insensitive disk.
func fileName(s string, keepUpper bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_',
			keepUpper && ('A' <= c && c <= 'Z' || c == '.' && i > 0 && i < len(s)-1):
			b.WriteByte(c)
		default:
			const hexDigits = "0123456789abcdef"
			b.WriteByte('~')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	name := b.String()
	if name == "" {
		return "~"
	}
	if len(name) > maxName {
		sum := sha256.Sum256([]byte(s))
		name = name[:maxName-17] + "~" + hex.EncodeToString(sum[:8])
	}
	return name
}

// dealPath is the site path of a deal's page: its id's folders and name,
// each encoded.
func dealPath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = fileName(p, true)
	}
	return "deals/" + strings.Join(parts, "/") + ".html"
}

// ownerPath is the site path of an owner's page.
func ownerPath(id string) string { return "owners/" + fileName(id, false) + ".html" }

// teamPaths gives each team its page: a readable name from the team's
// words ("North America" → teams/north-america.html), encoded as any user
// string is; teams whose names meet there ("EMEA" and "emea") are told
// apart by a hash of the whole name.
func teamPaths(teams []string) map[string]string {
	slug := func(t string) string {
		return fileName(strings.Join(strings.Fields(strings.ToLower(t)), "-"), false)
	}
	uses := map[string]int{}
	for _, t := range teams {
		uses[slug(t)]++
	}
	paths := make(map[string]string, len(teams))
	for _, t := range teams {
		name := slug(t)
		if uses[name] > 1 || name == "~" {
			sum := sha256.Sum256([]byte(t))
			name += "~" + hex.EncodeToString(sum[:4])
		}
		paths[t] = "teams/" + name + ".html"
	}
	return paths
}
