complete --keep-order --exclusive --command apicat --arguments "(APICAT_COMPLETE=fish apicat -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
