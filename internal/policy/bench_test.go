package policy

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// benchmarkOrg is a generated organization of one namespace: 1,000 teams
// (a corporate root, a CoE and 10 business units, each unit with a tree of
// departments), 500 platforms, 20 committees, 50 matrices and 3 policies
// including a CEL rule.
func benchmarkOrg() []metav1.Object {
	functions := []orgv1.TeamFunction{"Marketing", "IT", "Data", "Sales", "Support", "Legal", "Analytics", "Digital"}
	out := []metav1.Object{
		org("acme", "Hybrid", withExecutive("CMO", person("cmo", "corp"))),
		team("corp", withFunction("Executive")),
		team("coe", withType("CenterOfExcellence"), withFunction("Digital"), withParent("corp")),
	}
	var teams []string
	for i := range 997 {
		name := fmt.Sprintf("team-%03d", i)
		opts := []func(*orgv1.Team){
			withFunction(functions[i%len(functions)]),
			withLead(person(name+"-lead", "")),
			withMembers(person(name+"-lead", ""), person(name+"-a", ""), person(name+"-b", ""), person(name+"-c", "")),
		}
		switch {
		case i < 10:
			opts = append(opts, withType("BusinessUnit"), withParent("corp"))
		case i < 20:
			opts = append(opts, withParent("coe"))
		default:
			opts = append(opts, withParent(teams[(i-10)/3])) // a tree about five levels deep
		}
		if i%97 == 0 {
			opts = append(opts, withType("TigerTeam"), expiringAt(now.Add(-24*time.Hour)))
		}
		teams = append(teams, name)
		out = append(out, team(name, opts...))
	}
	for i := range 500 {
		owner := teams[(i*7)%len(teams)]
		if i%4 == 0 {
			owner = "coe"
		}
		opts := []func(*orgv1.Platform){
			ownedBy(owner), operatedBy(teams[(i*13)%len(teams)], teams[(i*17)%len(teams)]),
			governedBy(fmt.Sprintf("steer-%02d", i%20)), withCategory([]orgv1.PlatformCategory{"CRM", "CDP", "AIML", "DAM"}[i%4]),
		}
		if i%2 == 0 {
			opts = append(opts, withTier("Foundational"), withPersonalData("GDPR"), withPrivacyOwner(person(teams[5]+"-a", teams[5])))
		}
		if i%3 == 0 {
			opts = append(opts, withVendor("Vendor"))
		}
		out = append(out, platform(fmt.Sprintf("platform-%03d", i), opts...))
	}
	for i := range 20 {
		out = append(out, committee(fmt.Sprintf("steer-%02d", i), teams[i], teams[i+1], teams[i+2], teams[i+3], teams[i+4]))
	}
	for i := range 50 {
		var acts []orgv1.Activity
		for j := range 5 {
			acts = append(acts, activity(fmt.Sprintf("activity-%d", j), teams[(i+j)%len(teams)], teams[(i+2*j)%len(teams)]))
		}
		out = append(out, matrix(fmt.Sprintf("raci-%02d", i), fmt.Sprintf("platform-%03d", i*2), acts...))
	}
	return append(out, team("ops"),
		policy("baseline",
			rule("owned", orgv1.RulePlatformOwnership, severity(orgv1.SeverityHigh)),
			rule("governed", orgv1.RulePlatformGoverned),
			rule("privacy", orgv1.RulePrivacyOwner, severity(orgv1.SeverityCritical)),
			rule("ai", orgv1.RuleEnterpriseAI)),
		policy("structure",
			rule("teams", orgv1.RuleTeamStructure, severity(orgv1.SeverityLow)),
			rule("coverage", orgv1.RuleSteeringCommitteeCoverage),
			rule("raci", orgv1.RuleResponsibilityAssignment, withParams(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Foundational"}})),
			rule("model", orgv1.RuleOrganizationModel)),
		policy("custom",
			celRule("vendor-or-it", `has(object.spec.vendor) || (owner != null && owner.spec.function == "IT")`, "outsourced or run by IT", orgv1.KindPlatform)),
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
