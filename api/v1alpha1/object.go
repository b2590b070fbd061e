package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is an orgplane kind: every one has the common status. It is a
// controller-runtime client.Object, which the API does not import.
// +kubebuilder:object:generate=false
type Object interface {
	metav1.Object
	runtime.Object
	// CommonStatus returns the status fields every kind shares.
	CommonStatus() *Status
}

// Judged is an orgplane kind that governance rules judge.
// +kubebuilder:object:generate=false
type Judged interface {
	Object
	// Judgement returns the status fields of a judged kind.
	Judgement() *JudgedStatus
}

// CommonStatus returns the status fields every kind shares.
func (o *Organization) CommonStatus() *Status { return &o.Status.Status }

// CommonStatus returns the status fields every kind shares.
func (o *Team) CommonStatus() *Status { return &o.Status.Status }

// CommonStatus returns the status fields every kind shares.
func (o *Platform) CommonStatus() *Status { return &o.Status.Status }

// CommonStatus returns the status fields every kind shares.
func (o *SteeringCommittee) CommonStatus() *Status { return &o.Status.Status }

// CommonStatus returns the status fields every kind shares.
func (o *ResponsibilityMatrix) CommonStatus() *Status { return &o.Status.Status }

// CommonStatus returns the status fields every kind shares.
func (o *GovernancePolicy) CommonStatus() *Status { return &o.Status.Status }

// Judgement returns the status fields of a judged kind.
func (o *Organization) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }

// Judgement returns the status fields of a judged kind.
func (o *Team) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }

// Judgement returns the status fields of a judged kind.
func (o *Platform) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }

// Judgement returns the status fields of a judged kind.
func (o *SteeringCommittee) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }

// Judgement returns the status fields of a judged kind.
func (o *ResponsibilityMatrix) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }
