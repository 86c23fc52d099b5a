// Command pipegen turns a git repository of sales deals into a pipeline
// dashboard.
//
// Deals are YAML files under deals/, one per deal, with their stage
// history; pipeline.yaml defines the stages. The commands:
//
//	pipegen check                      validate every file; exit 1 on errors
//	pipegen check --base origin/main   also refuse deleted deals and rewritten history (in a pull request)
//	pipegen metrics --format json      the numbers of the weekly review
//	pipegen build --out site           write the dashboard as a static site
//	pipegen serve                      preview it, rebuilt and reloaded on every save
//	pipegen diff --base origin/main    what a change does to the pipeline
//	pipegen init sales-pipeline        start a pipeline repository
//	pipegen new --title "Northwind — analytics" --owner olena
//	pipegen move northwind-analytics proposal --date 2026-11-02
//	pipegen import hubspot deals.csv --map map.yaml   a CRM's export of deals, as checked deal files
//	pipegen schema deal                the JSON Schema of a deal file, for editors
//	pipegen schema --write             both schemas into .pipegen/, to commit
//
// This package only wires flags and the terminal to the packages under
// internal/: project loads and checks a repository, metrics computes the
// numbers, site renders the dashboard, serve previews it, importer turns
// CRM exports into deal files. Exit codes are decided in one place: 0 ok,
// 1 the input has errors, 2 the command was used wrongly.
package main
