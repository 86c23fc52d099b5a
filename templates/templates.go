// Package templates holds the HTML templates, style sheet and script of the
// dashboard, embedded in the pipegen binary.
package templates

import "embed"

// FS holds the page templates (*.html) and the static assets (*.css, *.js).
//
//go:embed *.html *.css *.js *.svg
var FS embed.FS
