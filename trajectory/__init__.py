"""trajcheck's verification core: read a manager's GPS track and task list for one
day, clean the track, detect stay points, match them to the task-list stores and
run the assessment scheme's three checks."""
