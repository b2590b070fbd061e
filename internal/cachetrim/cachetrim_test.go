package cachetrim

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestTransform(t *testing.T) {
	team := &orgv1.Team{ObjectMeta: metav1.ObjectMeta{
		Name:          "t",
		Annotations:   map[string]string{LastApplied: "{}", "owner": "ana"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
	}}
	if _, err := Transform(team); err != nil {
		t.Fatal(err)
	}
	if team.ManagedFields != nil || len(team.Annotations) != 1 || team.Annotations["owner"] != "ana" {
		t.Errorf("trimmed to managedFields %v, annotations %v", team.ManagedFields, team.Annotations)
	}
	only := &orgv1.Team{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{LastApplied: "{}"}}}
	if _, err := Transform(only); err != nil || only.Annotations != nil {
		t.Errorf("annotations left: %v (%v)", only.Annotations, err)
	}
	if got, err := Transform("not an object"); got != "not an object" || err != nil {
		t.Errorf("Transform(string) = %v, %v", got, err)
	}
}
