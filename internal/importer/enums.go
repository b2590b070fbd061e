package importer

import orgv1 "github.com/orgplane/orgplane/api/v1alpha1"

// The values the CRDs accept for the fields an import has to choose;
// TestEnumsMatchCRDs holds them to config/crd/bases.
var (
	Functions = []orgv1.TeamFunction{"Executive", "Marketing", "IT", "Data", "Analytics", "Legal", "Privacy", "Sales", "Support", "Product", "Digital", "Commerce", "Finance", "HR", "Operations", "Other"}
	Types     = []orgv1.TeamType{"BusinessUnit", "Department", "CenterOfExcellence", "DigitalUnit", "PracticeCenter", "TigerTeam", "CommunityOfPractice", "AdvisoryBoard", "Agency"}
	// Categories are the Platform categories.
	Categories = []orgv1.PlatformCategory{"CDP", "DAM", "CRM", "MarketingAutomation", "Analytics", "CMS", "Commerce", "Personalization", "AIML", "Social", "Advertising", "DataWarehouse", "Other"}
)

// The values an import gives when neither the source nor a map says.
const (
	DefaultFunction orgv1.TeamFunction     = "Other"
	DefaultType     orgv1.TeamType         = "Department"
	DefaultCategory orgv1.PlatformCategory = "Other"
)

// typeTable maps the team types that sources commonly write (Backstage's
// group types, HR systems' unit kinds), in lower case, to orgplane's; every
// orgplane type is also known by its own name in any case, and written in
// kebab case (business-unit) as `kubectl org export` writes it.
var typeTable = map[string]orgv1.TeamType{
	"division":       "BusinessUnit",
	"bu":             "BusinessUnit",
	"organization":   "Department",
	"org":            "Department",
	"root":           "Department",
	"department":     "Department",
	"sub-department": "Department",
	"product-area":   "Department",
	"team":           "Department",
	"squad":          "Department",
	"coe":            "CenterOfExcellence",
	"guild":          "CommunityOfPractice",
	"chapter":        "CommunityOfPractice",
	"community":      "CommunityOfPractice",
	"committee":      "AdvisoryBoard",
	"board":          "AdvisoryBoard",
	"vendor":         "Agency",
	"contractor":     "Agency",
}
