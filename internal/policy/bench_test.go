package policy

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// benchmarkOrg is a generated organization of one namespace: 1,000 teams
// (a corporate root, a CoE and 10 business units, each unit with a tree of
// departments), 500 platforms, 20 committees, 50 matrices and 3 policies
// including a CEL rule.
func benchmarkOrg() []metav1.Object {
	functions := []orgv1.TeamFunction{"Marketing", "IT", "Data", "Sales", "Support", "Legal", "Analytics", "Digital"}
	out := []metav1.Object{
		builders.MakeOrganization("acme", ns).Model("Hybrid").Executive("CMO", builders.Person("cmo", "corp")).Obj(),
		builders.MakeTeam("corp", ns).Function("Executive").Obj(),
		builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Function("Digital").Parent("corp").Obj(),
	}
	var teams []string
	for i := range 997 {
		name := fmt.Sprintf("team-%03d", i)
		team := builders.MakeTeam(name, ns).Function(functions[i%len(functions)]).Lead(builders.Person(name+"-lead", "")).
			Members(builders.Person(name+"-lead", ""), builders.Person(name+"-a", ""), builders.Person(name+"-b", ""), builders.Person(name+"-c", ""))
		switch {
		case i < 10:
			team.Type("BusinessUnit").Parent("corp")
		case i < 20:
			team.Parent("coe")
		default:
			team.Parent(teams[(i-10)/3]) // a tree about five levels deep
		}
		if i%97 == 0 {
			team.Type("TigerTeam").ExpiresAt(now.Add(-24 * time.Hour))
		}
		teams = append(teams, name)
		out = append(out, team.Obj())
	}
	for i := range 500 {
		owner := teams[(i*7)%len(teams)]
		if i%4 == 0 {
			owner = "coe"
		}
		p := builders.MakePlatform(fmt.Sprintf("platform-%03d", i), ns).Owner(owner).
			Operators(teams[(i*13)%len(teams)], teams[(i*17)%len(teams)]).Committee(fmt.Sprintf("steer-%02d", i%20)).
			Category([]orgv1.PlatformCategory{"CRM", "CDP", "AIML", "DAM"}[i%4])
		if i%2 == 0 {
			p.Tier("Foundational").PersonalData("GDPR").PrivacyOwner(builders.Person(teams[5]+"-a", teams[5]))
		}
		if i%3 == 0 {
			p.Vendor("Vendor")
		}
		out = append(out, p.Obj())
	}
	for i := range 20 {
		out = append(out, builders.MakeSteeringCommittee(fmt.Sprintf("steer-%02d", i), ns).Members(teams[i], teams[i+1], teams[i+2], teams[i+3], teams[i+4]).Obj())
	}
	for i := range 50 {
		var acts []orgv1.Activity
		for j := range 5 {
			acts = append(acts, builders.MakeActivity(fmt.Sprintf("activity-%d", j)).Responsible("ops").Accountable(teams[(i+j)%len(teams)]).Informed(teams[(i+2*j)%len(teams)]).Obj())
		}
		out = append(out, builders.MakeResponsibilityMatrix(fmt.Sprintf("raci-%02d", i), ns).Platform(fmt.Sprintf("platform-%03d", i*2)).Activities(acts...).Obj())
	}
	return append(out, builders.MakeTeam("ops", ns).Obj(),
		builders.MakeGovernancePolicy("baseline", ns).Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj(),
			builders.MakeRule("governed", orgv1.RulePlatformGoverned).Obj(),
			builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Obj(),
			builders.MakeRule("ai", orgv1.RuleEnterpriseAI).Obj()).Obj(),
		builders.MakeGovernancePolicy("structure", ns).Rules(
			builders.MakeRule("teams", orgv1.RuleTeamStructure).Severity(orgv1.SeverityLow).Obj(),
			builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj(),
			builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Foundational"}}).Obj(),
			builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj()).Obj(),
		builders.MakeGovernancePolicy("custom", ns).Rules(
			builders.MakeCELRule("vendor-or-it", `has(object.spec.vendor) || (owner != null && owner.spec.function == "IT")`, "outsourced or run by IT").MatchKinds(orgv1.KindPlatform).Obj()).Obj(),
	)
}

func BenchmarkEvaluate(b *testing.B) {
	g := graph(b, benchmarkOrg()...)
	e := newEngine(b)
	var findings int
	for b.Loop() {
		findings = len(e.EvaluateNamespace(g, ns, now).Findings())
	}
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkEvaluateObject is one reconcile's worth of work: one platform in
// the same organization.
func BenchmarkEvaluateObject(b *testing.B) {
	g := graph(b, benchmarkOrg()...)
	e := newEngine(b)
	for b.Loop() {
		e.EvaluateObject(g, platformRef("platform-042"), now)
	}
}
