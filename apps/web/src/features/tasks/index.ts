export { TasksPage as default, TasksPage } from "./tasks-page";
