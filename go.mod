module github.com/pipegen/pipegen

go 1.26.8

require github.com/goccy/go-yaml v1.19.2

require (
	github.com/go-echarts/go-echarts/v2 v2.6.7 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	github.com/yuin/goldmark v1.8.7 // indirect
	golang.org/x/sys v0.26.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
