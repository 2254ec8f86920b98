# fish completion for layerwaste(1). Installed as
# share/fish/vendor_completions.d/layerwaste.fish; tests/e2e/test_install.sh
# fails when an option of `layerwaste --help` is missing here.

set -l formats text json github markdown sarif gitlab junit html

complete -c layerwaste -n __fish_use_subcommand -a inspect -d 'The layers, without analysis'
complete -c layerwaste -n __fish_use_subcommand -a browse -d 'The interactive browser'
complete -c layerwaste -n __fish_use_subcommand -a diff -d 'Compare two builds'
complete -c layerwaste -n __fish_use_subcommand -a share -d 'The layers several images share'
complete -c layerwaste -n __fish_use_subcommand -a cache -d 'The layer cache: stats or prune'

complete -c layerwaste -s f -l format -x -a "$formats" -d 'Report format'
complete -c layerwaste -s o -l output -r -d 'Write the report, or FMT=FILE, to a file'
complete -c layerwaste -l bytes -d 'Print exact byte counts'
complete -c layerwaste -l color -x -a 'auto always never' -d 'Colour'
complete -c layerwaste -l colour -x -a 'auto always never' -d 'Colour'
complete -c layerwaste -l top -x -d 'List the N largest groups and files'
complete -c layerwaste -l no-duplicates -d 'Skip the duplicate-content search'
complete -c layerwaste -l with-files -d 'List the final file system in the JSON report (for diff)'
complete -c layerwaste -l dockerfile -r -F -d 'The Dockerfile that built the image'
complete -c layerwaste -l target -x -d 'The Dockerfile stage that was built'
complete -c layerwaste -l source-root -x -a '(__fish_complete_directories)' -d 'CI locations are relative to this folder'
complete -c layerwaste -l base -r -F -d 'The base image: its layers are told apart'
complete -c layerwaste -l build-arg -x -d 'A build argument (KEY=VALUE)'
complete -c layerwaste -l fix -d 'Print a diff applying every safe fix'
complete -c layerwaste -l image -x -d 'Pick one image of an archive (NAME[:TAG])'
complete -c layerwaste -l platform -x -a 'linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x' -d 'Pick a platform of an index'
complete -c layerwaste -l source -x -a 'archive docker podman' -d 'Where the image comes from'
complete -c layerwaste -s j -l jobs -x -d 'Layers indexed at once'
complete -c layerwaste -l max-entries -x -d 'Refuse layers with more entries'
complete -c layerwaste -l max-bytes -x -d 'Refuse a layer or archive that decompresses to more'
complete -c layerwaste -l max-memory -x -d 'The window a zstd layer may use'
complete -c layerwaste -l plain-reader -d 'Read through libarchive alone'
complete -c layerwaste -l verify -d 'Check every blob and layer against its digest'
complete -c layerwaste -l cache -r -a '(__fish_complete_directories)' -d "Keep each layer's index in this folder"
complete -c layerwaste -l no-cache -d 'Read every layer, keep nothing'
complete -c layerwaste -l cache-max -r -d "The cache's size cap"
complete -c layerwaste -s i -l interactive -d 'Open the browser'
complete -c layerwaste -s q -l quiet -d 'No progress line'
complete -c layerwaste -s h -l help -d 'Print the usage'
complete -c layerwaste -s V -l version -d 'Print the version and commit'
complete -c layerwaste -l config -r -F -d 'Settings from a .layerwaste.yml'
complete -c layerwaste -l ci-config -r -F -d 'Rules from a .dive-ci file'
complete -c layerwaste -l no-config -d 'Do not look for a config file'
complete -c layerwaste -l max-wasted-bytes -x -d 'Limit on the wasted bytes (SIZE)'
complete -c layerwaste -l max-wasted-percent -x -d 'Limit on the wasted percentage'
complete -c layerwaste -l max-chown-bytes -x -d 'Limit on chown copies (SIZE)'
complete -c layerwaste -l max-chmod-bytes -x -d 'Limit on chmod copies (SIZE)'
complete -c layerwaste -l max-chown-chmod-bytes -x -d 'Limit on chown+chmod copies (SIZE)'
complete -c layerwaste -l max-touch-bytes -x -d 'Limit on touch copies (SIZE)'
complete -c layerwaste -l max-overwrite-bytes -x -d 'Limit on overwritten bytes (SIZE)'
complete -c layerwaste -l max-delete-bytes -x -d 'Limit on deleted bytes (SIZE)'
complete -c layerwaste -l max-metadata-bytes -x -d 'Limit on chown, chmod and touch copies (SIZE)'
complete -c layerwaste -l max-churn-bytes -x -d 'Limit on package-manager churn (SIZE)'
complete -c layerwaste -l lowest-efficiency -x -d "dive's lowest efficiency (ratio)"
complete -c layerwaste -l lowestEfficiency -x -d "dive's lowest efficiency (ratio)"
complete -c layerwaste -l highest-wasted-bytes -x -d "dive's highest wasted bytes (SIZE)"
complete -c layerwaste -l highestWastedBytes -x -d "dive's highest wasted bytes (SIZE)"
complete -c layerwaste -l highest-user-wasted-percent -x -d "dive's highest user wasted ratio"
complete -c layerwaste -l highestUserWastedPercent -x -d "dive's highest user wasted ratio"
complete -c layerwaste -l min-finding-bytes -x -d 'Smaller findings are not judged (SIZE)'
complete -c layerwaste -l min-wasted-bytes-for-percent -x -d 'Floor of the ratio rules (SIZE)'
complete -c layerwaste -l ignore-path -x -d 'Findings under GLOB are not judged'
complete -c layerwaste -l judge-base -d 'Judge waste inherited from the base image too'
complete -c layerwaste -l baseline -r -F -d 'Judge only waste new since this JSON report'
complete -c layerwaste -l fail-on -x -a 'error warning note none' -d 'Fail on findings and checks of this severity or above'
complete -c layerwaste -l profile -x -a 'spaces none' -d 'Extra checks'
complete -c layerwaste -l space-readme -r -F -d "The Space's README.md"
