package importer

import (
	"regexp"
	"slices"
	"strings"
)

// Kind is the shape of an export: a CRM whose standard columns are known,
// or any CSV with a mapping file.
type Kind string

const (
	Pipedrive  Kind = "pipedrive"
	HubSpot    Kind = "hubspot"
	Salesforce Kind = "salesforce"
	CSV        Kind = "csv"
)

// Kinds lists the kinds in the order the command's help names them.
var Kinds = []Kind{Pipedrive, HubSpot, Salesforce, CSV}

// kindInfo is what pipegen knows of a CRM's standard export: for each deal
// field the columns that may hold it, in the order they are preferred
// (every one the header has is read, and the first that is not empty in a
// row gives the value), and the forms its dates take. The column names are
// those of the CRMs' own documentation; the sources are named in
// kinds_test.go.
type kindInfo struct {
	title   string // the CRM's name, for notes and messages
	columns map[string][]string
	// entered matches the header of a column holding the date a deal
	// entered a stage, and captures the stage's name.
	entered *regexp.Regexp
	dates   []string
}

var kinds = map[Kind]kindInfo{
	// Pipedrive writes "Deal - <field>" for the deal's own fields. Won and
	// lost are a status beside the stage, not stages: a won deal's stage is
	// the last stage it reached.
	Pipedrive: {
		title: "Pipedrive",
		columns: map[string][]string{
			"title":          {"Deal - Title"},
			"company":        {"Deal - Organization", "Deal - Organisation"},
			"owner":          {"Deal - Owner"},
			"source":         {"Deal - Source channel", "Deal - Source"},
			"value":          {"Deal - Value"},
			"currency":       {"Deal - Currency", "Deal - Currency of Value"},
			"created":        {"Deal - Deal created", "Deal - Creation date", "Deal - Add time"},
			"stage":          {"Deal - Stage"},
			"status":         {"Deal - Status"},
			"stage_changed":  {"Deal - Last stage change"},
			"closed":         {"Deal - Won time", "Deal - Lost time", "Deal - Deal closed on", "Deal - Closed on", "Deal - Close time"},
			"expected_close": {"Deal - Expected close date"},
			"lost_reason":    {"Deal - Lost reason"},
			"crm_id":         {"Deal - ID"},
		},
		dates: []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"},
	},
	// HubSpot names columns by the properties' labels. Its close date is
	// the expected one for an open deal and the real one once it is
	// closed; each stage has a "Date entered" column.
	HubSpot: {
		title: "HubSpot",
		columns: map[string][]string{
			"title":          {"Deal Name"},
			"company":        {"Associated Company (Primary)", "Associated Company", "Company Name"},
			"owner":          {"Deal owner"},
			"source":         {"Original Source Type", "Deal source"},
			"value":          {"Amount"},
			"currency":       {"Currency", "Deal currency code"},
			"created":        {"Create Date", "Created Date"},
			"stage":          {"Deal Stage"},
			"closed":         {"Close Date"},
			"expected_close": {"Close Date"},
			"lost_reason":    {"Closed Lost Reason"},
			"next_step":      {"Next step"},
			"crm_id":         {"Record ID", "Deal ID"},
		},
		entered: regexp.MustCompile(`(?i)^date entered\s+["'“‘]?(.+?)["'”’]?$`),
		dates:   []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "01/02/2006 15:04", "1/2/2006", "2006-01-02"},
	},
	// Salesforce reports write the fields' labels; Data Loader writes their
	// API names (matched in any case), with Account.Name and Owner.Name for
	// the related records' names. A closed opportunity's stage is a closed
	// stage ("Closed Won"), and its close date the real one.
	Salesforce: {
		title: "Salesforce",
		columns: map[string][]string{
			"title":          {"Opportunity Name", "Name"},
			"company":        {"Account Name", "Account.Name"},
			"owner":          {"Opportunity Owner", "Owner.Name", "Owner Name", "OwnerId"},
			"source":         {"Lead Source", "LeadSource"},
			"value":          {"Amount"},
			"currency":       {"Opportunity Currency", "CurrencyIsoCode"},
			"created":        {"Created Date", "CreatedDate"},
			"stage":          {"Stage", "StageName"},
			"stage_changed":  {"Last Stage Change Date", "LastStageChangeDate"},
			"closed":         {"Close Date", "CloseDate"},
			"expected_close": {"Close Date", "CloseDate"},
			"lost_reason":    {"Loss Reason", "Lost Reason", "Closed Lost Reason"},
			"next_step":      {"Next Step", "NextStep"},
			"crm_id":         {"Opportunity ID", "Id"},
		},
		dates: []string{"1/2/2006", "1/2/2006, 3:04 PM", "1/2/2006 3:04 PM", "1/2/2006 15:04", "2006-01-02"},
	},
	CSV: {title: "CSV"},
}

// ParseKind returns the kind a command line names.
func ParseKind(s string) (Kind, bool) {
	k := Kind(strings.ToLower(s))
	return k, slices.Contains(Kinds, k)
}

// required are the fields a deal cannot be made without.
var required = []string{"title", "owner", "stage", "created"}

// fieldNames are the fields of the mapping file's columns in words.
var fieldNames = map[string]string{
	"id": "id", "title": "title", "company": "company", "owner": "owner", "source": "source", "value": "value",
	"currency": "currency", "created": "created date", "stage": "stage", "status": "status", "stage_changed": "stage change date",
	"closed": "close date", "expected_close": "expected close date", "lost_reason": "lost reason", "next_step": "next step",
}
