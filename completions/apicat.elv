
set edit:completion:arg-completer[apicat] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) APICAT_COMPLETE="elvish" apicat -- $@words) | to-lines
}

