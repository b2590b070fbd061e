package v1alpha1

// Condition types that every orgplane kind reports, following the kstatus
// conventions: Ready and Compliant are normal-true, Reconciling and Stalled
// are abnormal-true and present only while they hold.
const (
	// ConditionReady is True when the current generation has been evaluated
	// and no violation comes from an Enforce policy.
	ConditionReady = "Ready"
	// ConditionCompliant is True when the object has no violations at all.
	ConditionCompliant = "Compliant"
	// ConditionReconciling is True while the controller is working on the
	// object's current generation.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the controller cannot make progress on
	// the object without a change to it (for example a CEL rule that does not
	// compile).
	ConditionStalled = "Stalled"
)

// Reasons of the conditions and of the events the controller records, so
// that tools reading orgplane objects can match them without copying strings.
const (
	// ReasonReconciled: Ready is True, the current generation is evaluated.
	ReasonReconciled = "Reconciled"
	// ReasonEnforcedViolation: Ready is False for a violation of an Enforce
	// policy.
	ReasonEnforcedViolation = "EnforcedPolicyViolation"
	// ReasonNoViolations: Compliant is True.
	ReasonNoViolations = "NoViolations"
	// ReasonPolicyViolation: Compliant is False; also the Warning event
	// recorded when an object turns non-compliant.
	ReasonPolicyViolation = "PolicyViolation"
	// ReasonInvalidRule: Stalled is True (and Ready False) on a
	// GovernancePolicy with a rule that cannot be evaluated.
	ReasonInvalidRule = "InvalidRule"
	// ReasonCompliant is the Normal event recorded when an object turns
	// compliant again.
	ReasonCompliant = "Compliant"
)

// Reasons of the events recorded when an Organization's spec.transition
// changes phase (status.transition.phase).
const (
	// ReasonTransitionPlanned (Normal): a transition is set and the structure
	// does not show its target yet.
	ReasonTransitionPlanned = "TransitionPlanned"
	// ReasonTransitionCompleted (Normal): the structure shows the target.
	ReasonTransitionCompleted = "TransitionCompleted"
	// ReasonTransitionOverdue (Warning): the deadline passed before the
	// structure showed the target.
	ReasonTransitionOverdue = "TransitionOverdue"
)
