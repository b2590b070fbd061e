package orgctl

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/importer/backstage"
	"github.com/orgplane/orgplane/internal/importer/csv"
	"github.com/orgplane/orgplane/internal/importer/peribolos"
)

// importSources are the values of --from, and the file extensions a
// directory is searched for.
var importSources = map[string][]string{
	"backstage": {".yaml", ".yml"},
	"peribolos": {".yaml", ".yml"},
	"csv":       {".csv"},
}

func newImport(s streams, kube *genericclioptions.ConfigFlags) *cobra.Command {
	var (
		from, output, outDir                              string
		files, functionMap, typeMap, categoryMap, columns []string
		platforms                                         []string
	)
	cmd := &cobra.Command{
		Use:   "import --from backstage|peribolos|csv -f PATH [-f PATH ...]",
		Short: "Make orgplane manifests from a Backstage catalog, a Peribolos config or an HR export",
		Long: `Import reads an organization where it already lives and writes the orgplane
Teams and Platforms that declare it, for a person to review and apply:

  --from backstage  Backstage catalog files (backstage.io/v1alpha1): each Group
                    a Team (spec.parent, spec.children, spec.members and the
                    Users' spec.memberOf, spec.profile, spec.type), each
                    System (or what --platforms selects) a Platform owned by
                    the group its spec.owner names. Entity references are
                    resolved as Backstage resolves them.
  --from peribolos  a GitHub org config as Peribolos keeps it: orgs.<org>.teams,
                    nested teams as children, maintainers (the first is the
                    lead) and members, the description as display name.
  --from csv        an HR export with a header row, one row per membership;
                    columns team,parent,function,type,lead,member,email by
                    default (--columns maps others).

Object names are made DNS-1123 labels from the source's names (the original
kept as displayName); names that collide get a stable suffix. Function, type
and category come from the source when it says, else from --function-map,
--type-map and --category-map (KEY=VALUE, KEY a source value or a name), a
table of common group types (docs/interop.md), or the defaults Other,
Department and Other. Every such guess is listed on standard error, as are
warnings for what could not be carried over (a parent or member that names
nothing in the input). The same input always gives the same bytes.

Objects get the namespace of -n when given, else none (kubectl apply -n
then gives them one). Output (-o) is yaml (a multi-document stream) or json
(a List), to standard output or, with --out DIR, one file per kind.

Exit codes: 0 done (guesses and warnings included); 2 the input cannot be
read or is malformed (each problem at its file and line) or a flag is bad.`,
		Example: `  # Adopt the org of a Backstage catalog, reviewing the guesses
  kubectl org import --from backstage -f catalog/ -n acme --out org/

  # A Peribolos config, marking the platform team's function
  kubectl org import --from peribolos -f org.yaml --function-map platform=IT

  # An HR export whose columns are named otherwise
  kubectl org import --from csv -f people.csv --columns team=Department,member=Name,email=Mail`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf(cmd, "from", from, []string{"backstage", "peribolos", "csv"}); err != nil {
				return err
			}
			if err := oneOf(cmd, "output", output, importer.Formats); err != nil {
				return err
			}
			if len(files) == 0 {
				return usageError(cmd, "at least one -f PATH is required")
			}
			opts := importer.Options{Namespace: *kube.Namespace}
			var err error
			if opts.FunctionMap, err = importer.ParseMap("function-map", functionMap, importer.Functions); err != nil {
				return usageError(cmd, "%v", err)
			}
			if opts.TypeMap, err = importer.ParseMap("type-map", typeMap, importer.Types); err != nil {
				return usageError(cmd, "%v", err)
			}
			if opts.CategoryMap, err = importer.ParseMap("category-map", categoryMap, importer.Categories); err != nil {
				return usageError(cmd, "%v", err)
			}
			selectors := backstage.DefaultPlatforms
			if len(platforms) > 0 {
				if selectors, err = backstage.ParseSelectors(platforms); err != nil {
					return usageError(cmd, "%v", err)
				}
			}
			cols, err := csv.ParseColumns(columns)
			if err != nil {
				return usageError(cmd, "%v", err)
			}
			inputs, err := importer.ReadInputs(files, s.in, importSources[from]...)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			var src *importer.Source
			switch from {
			case "backstage":
				src, err = backstage.Read(inputs, selectors)
			case "peribolos":
				src, err = peribolos.Read(inputs)
			case "csv":
				src, err = csv.Read(inputs, cols)
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			res := importer.Build(src, opts)
			for _, g := range res.Guesses {
				fmt.Fprintf(s.errOut, "guess: %s\n", g)
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(s.errOut, "warning: %s\n", w)
			}
			fmt.Fprintf(s.errOut, "imported %d teams and %d platforms from %d files: %d guesses to review, %d warnings\n",
				len(res.Teams), len(res.Platforms), len(inputs), len(res.Guesses), len(res.Warnings))
			if outDir == "" {
				err = importer.Write(s.out, res, output)
			} else {
				var written []string
				written, err = importer.WriteDir(outDir, res, output)
				for _, w := range written {
					fmt.Fprintf(s.errOut, "wrote %s\n", w)
				}
			}
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("error: %w", err)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "what the input is: backstage, peribolos or csv (required)")
	f.StringArrayVarP(&files, "filename", "f", nil, "a file, a directory (recursive) or - for standard input; repeatable")
	f.StringVarP(&output, "output", "o", "yaml", "output format: yaml or json")
	f.StringVar(&outDir, "out", "", "write one file per kind (teams.yaml, platforms.yaml) into this directory instead of standard output")
	f.StringArrayVar(&functionMap, "function-map", nil, "KEY=FUNCTION: the function of the teams whose source function or name is KEY; repeatable, or comma-separated")
	f.StringArrayVar(&typeMap, "type-map", nil, "KEY=TYPE: the type of the teams whose source type or name is KEY; repeatable, or comma-separated")
	f.StringArrayVar(&categoryMap, "category-map", nil, "KEY=CATEGORY: the category of the platforms whose kind (system, component:website) or name is KEY; repeatable, or comma-separated")
	f.StringArrayVar(&platforms, "platforms", nil, "backstage: the entities read as platforms, KIND or KIND:TYPE (default System); repeatable, or comma-separated")
	f.StringArrayVar(&columns, "columns", nil, "csv: FIELD=HEADER for the fields whose column is named otherwise (fields: team, parent, function, type, lead, member, email)")
	return cmd
}
