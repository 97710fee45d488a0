# IPython settings for `make lab`: the kernels JupyterLab starts reload rotation_utils
# modules that changed on disk before each cell runs, so an analyst who edits the
# package sees the change in the open notebook without restarting the kernel.
# (`make lab` points IPYTHONDIR here; report runs and tests do not use it.)
c = get_config()  # noqa: F821  (provided by IPython when it reads this file)
c.InteractiveShellApp.extensions = ["autoreload"]
c.InteractiveShellApp.exec_lines = ["%autoreload 2"]
