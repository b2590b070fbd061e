package v1alpha1

import "sigs.k8s.io/controller-runtime/pkg/client"

// Object is an orgplane kind: every one has the common status.
// +kubebuilder:object:generate=false
type Object interface {
	client.Object
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

func (o *Organization) CommonStatus() *Status         { return &o.Status.Status }
func (o *Team) CommonStatus() *Status                 { return &o.Status.Status }
func (o *Platform) CommonStatus() *Status             { return &o.Status.Status }
func (o *SteeringCommittee) CommonStatus() *Status    { return &o.Status.Status }
func (o *ResponsibilityMatrix) CommonStatus() *Status { return &o.Status.Status }
func (o *GovernancePolicy) CommonStatus() *Status     { return &o.Status.Status }

func (o *Organization) Judgement() *JudgedStatus         { return &o.Status.JudgedStatus }
func (o *Team) Judgement() *JudgedStatus                 { return &o.Status.JudgedStatus }
func (o *Platform) Judgement() *JudgedStatus             { return &o.Status.JudgedStatus }
func (o *SteeringCommittee) Judgement() *JudgedStatus    { return &o.Status.JudgedStatus }
func (o *ResponsibilityMatrix) Judgement() *JudgedStatus { return &o.Status.JudgedStatus }
