// Package docs holds the user documentation that ships inside pipegen.
package docs

import _ "embed"

// Metrics is docs/metrics.md: the definition of every number, rendered into the site.
//
//go:embed metrics.md
var Metrics string
