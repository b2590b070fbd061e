package controllers

// NamespaceWide is namespaceWide, for the external tests that wait for the
// namespace-wide reconcilers.
const NamespaceWide = namespaceWide
